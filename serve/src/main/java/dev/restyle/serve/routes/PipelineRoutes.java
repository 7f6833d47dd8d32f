package dev.restyle.serve.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restyle.serve.ServeConfig;
import dev.restyle.serve.http.ApiException;
import dev.restyle.serve.http.Uploads;
import dev.restyle.serve.pipelines.ManagedPipeline;
import dev.restyle.serve.pipelines.PipelineKind;
import dev.restyle.serve.pipelines.PipelineManager;
import dev.restyle.serve.pipelines.PipelineRequest;
import dev.restyle.serve.pipelines.PipelineState;
import dev.restyle.serve.pipelines.PipelineStatus;
import dev.restyle.serve.pipelines.VideoUploadKind;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pipelines as resources: {@code /api/pipelines} for every kind, and {@code /api/jobs}, the
 * video-upload kind seen as jobs (upload a video, follow its progress, download the result).
 */
public final class PipelineRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServeConfig config;
  private final PipelineManager manager;

  public PipelineRoutes(ServeConfig config, PipelineManager manager) {
    this.config = config;
    this.manager = manager;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/pipelines", this::listPipelines);
    routes.post("/api/pipelines", this::startPipeline);
    routes.get(
        "/api/pipelines/{id}",
        ctx -> ctx.json(status(manager.get(ctx.pathParam("id")), "pipelines")));
    routes.post(
        "/api/pipelines/{id}/stop",
        ctx -> ctx.json(status(manager.stop(ctx.pathParam("id")), "pipelines")));
    routes.delete("/api/pipelines/{id}", this::delete);
    routes.get("/api/pipelines/{id}/output", this::output);
    routes.get("/api/pipelines/{id}/files/{name}", this::liveFile);

    routes.get("/api/jobs", this::listJobs);
    routes.post("/api/jobs", this::startJob);
    routes.get("/api/jobs/{id}", ctx -> ctx.json(status(job(ctx), "jobs")));
    routes.delete("/api/jobs/{id}", ctx -> delete(job(ctx), ctx));
    routes.get("/api/jobs/{id}/output", ctx -> output(job(ctx), ctx));
  }

  private static PipelineStatus status(ManagedPipeline p, String collection) {
    return p.status("/api/" + collection + "/" + p.id() + "/output");
  }

  private void listPipelines(Context ctx) {
    List<Map<String, String>> kinds =
        manager.kinds().stream()
            .map(k -> Map.of("name", k.name(), "description", k.description()))
            .toList();
    List<PipelineStatus> pipelines =
        manager.list().stream().map(p -> status(p, "pipelines")).toList();
    ctx.json(Map.of("kinds", kinds, "pipelines", pipelines));
  }

  private void listJobs(Context ctx) {
    ctx.json(
        Map.of(
            "jobs",
            manager.list().stream()
                .filter(p -> p.kind().equals(VideoUploadKind.NAME))
                .map(p -> status(p, "jobs"))
                .toList()));
  }

  /** A JSON body {@code {"kind": ..., "options": {...}}}, or a multipart form with a file. */
  private void startPipeline(Context ctx) throws IOException {
    String kind;
    Map<String, String> options = new LinkedHashMap<>();
    ManagedPipeline started;
    if (Uploads.isMultipart(ctx)) {
      kind =
          Uploads.param(ctx, "kind")
              .orElseThrow(() -> ApiException.badRequest("the 'kind' field is missing"));
      ctx.formParamMap()
          .forEach(
              (name, values) -> {
                if (!name.equals("kind") && !values.isEmpty()) {
                  options.put(name, values.getFirst());
                }
              });
      started = manager.start(kind, options, dir -> saveUpload(ctx, "file", dir));
    } else {
      JsonNode body;
      try {
        body = JSON.readTree(ctx.bodyInputStream());
      } catch (IOException e) {
        throw ApiException.badRequest("the body is not JSON: " + e.getMessage());
      }
      if (body == null || !body.path("kind").isTextual()) {
        throw ApiException.badRequest(
            "send {\"kind\": \"...\", \"options\": {...}} (kinds: GET /api/pipelines)");
      }
      kind = body.path("kind").asText();
      body.path("options")
          .properties()
          .forEach(e -> options.put(e.getKey(), e.getValue().asText()));
      if (kind.equals(VideoUploadKind.NAME)) {
        throw ApiException.badRequest(
            "a video-upload pipeline needs the video: POST it to /api/jobs or as a multipart form"
                + " with a 'file' field");
      }
      started = manager.start(kind, options, dir -> Optional.empty());
    }
    created(ctx, started, "pipelines");
  }

  private void startJob(Context ctx) throws IOException {
    Map<String, String> options = new LinkedHashMap<>();
    for (String name : PipelineRequest.COMMON_OPTIONS) {
      Uploads.param(ctx, name).ifPresent(v -> options.put(name, v));
    }
    if (!options.containsKey("style")) {
      throw ApiException.badRequest("the 'style' parameter is missing (see GET /api/styles)");
    }
    ManagedPipeline job =
        manager.start(VideoUploadKind.NAME, options, dir -> saveUpload(ctx, "video", dir));
    created(ctx, job, "jobs");
  }

  private Optional<PipelineRequest.Upload> saveUpload(Context ctx, String field, Path dir)
      throws IOException {
    if (Uploads.isMultipart(ctx) && ctx.uploadedFile(field) == null) {
      return Optional.empty();
    }
    String name = Uploads.filename(ctx, field).orElse("upload");
    Path file = dir.resolve("input" + extension(name));
    Uploads.copy(ctx, field, config.maxVideoBytes(), "video", file);
    return Optional.of(new PipelineRequest.Upload(file, name));
  }

  private static String extension(String filename) {
    int dot = filename.lastIndexOf('.');
    String ext = dot < 0 ? "" : filename.substring(dot).toLowerCase(Locale.ROOT);
    return ext.matches("\\.[a-z0-9]{1,5}") ? ext : ".bin";
  }

  private static void created(Context ctx, ManagedPipeline p, String collection) {
    ctx.status(202)
        .header("Location", "/api/" + collection + "/" + p.id())
        .json(status(p, collection));
  }

  private ManagedPipeline job(Context ctx) {
    ManagedPipeline p = manager.get(ctx.pathParam("id"));
    if (!p.kind().equals(VideoUploadKind.NAME)) {
      throw ApiException.notFound(
          "no job has the id '" + p.id() + "' (it is a " + p.kind() + " pipeline)");
    }
    return p;
  }

  private void delete(Context ctx) throws InterruptedException {
    delete(manager.get(ctx.pathParam("id")), ctx);
  }

  private void delete(ManagedPipeline p, Context ctx) throws InterruptedException {
    manager.delete(p.id());
    ctx.status(204);
  }

  private void output(Context ctx) throws IOException {
    output(manager.get(ctx.pathParam("id")), ctx);
  }

  private void output(ManagedPipeline p, Context ctx) throws IOException {
    if (!p.producesOutput()) {
      throw ApiException.notFound("a " + p.kind() + " pipeline produces no file");
    }
    Optional<Path> file = p.output();
    if (file.isEmpty() || !Files.exists(file.get())) {
      PipelineStatus s = p.status("");
      String done =
          s.progress().fraction() == null
              ? ""
              : String.format(Locale.ROOT, ", %.0f%% done", 100 * s.progress().fraction());
      throw new ApiException(
          409,
          "the output is not ready: the "
              + (p.kind().equals(VideoUploadKind.NAME) ? "job" : "pipeline")
              + " is "
              + p.state().name().toLowerCase(Locale.ROOT)
              + done
              + (p.state() == PipelineState.FAILED ? " (" + s.error() + ")" : ""));
    }
    ctx.contentType("video/mp4")
        .header("Content-Disposition", "attachment; filename=\"restyled-" + p.id() + ".mp4\"")
        .header("Content-Length", Long.toString(Files.size(file.get())))
        .result(Files.newInputStream(file.get()));
  }

  /** A file a running pipeline writes as it goes: an HLS playlist and its segments. */
  private void liveFile(Context ctx) throws IOException {
    ManagedPipeline p = manager.get(ctx.pathParam("id"));
    String name = ctx.pathParam("name");
    Optional<Path> file = p.liveFile(name);
    if (file.isEmpty()) {
      throw ApiException.notFound("pipeline " + p.id() + " has no file '" + name + "'");
    }
    ctx.contentType(name.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp2t")
        .header("Cache-Control", "no-cache")
        .result(Files.readAllBytes(file.get()));
  }

  /** For tests and docs: the kinds routed here. */
  List<String> kinds() {
    return manager.kinds().stream().map(PipelineKind::name).toList();
  }
}
