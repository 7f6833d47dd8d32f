package dev.restyle.serve;

import static dev.restyle.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.ingest.source.VideoFileSource;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Video jobs and the pipelines resource against a real server, with real FFmpeg files. */
class JobsApiTest {
  @TempDir static Path work;
  static TestServer t;
  static byte[] clip;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(ServeConfig.defaults().withMaxVideoBytes(5_000_000), work);
    Path file = work.resolve("clip.mp4");
    SampleClip.write(file, new SampleClip.Spec(64, 48, 15, 12, 44_100));
    clip = Files.readAllBytes(file);
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  private static JsonNode waitFor(String url, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    JsonNode job;
    do {
      job = json(t.get(url));
      if (job.path("state").asText().equals(state)) {
        return job;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline
        && !List.of("FAILED", "CANCELLED", "SUCCEEDED").contains(job.path("state").asText()));
    throw new AssertionError("expected " + state + ", got " + job);
  }

  @Test
  void uploadFollowDownloadDelete() throws Exception {
    HttpResponse<byte[]> created =
        t.post(
            "/api/jobs",
            new Multipart()
                .file("video", "clip.mp4", "video/mp4", clip)
                .field("style", "starry_night")
                .field("strength", "0.8"));
    assertEquals(202, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
    JsonNode job = json(created);
    String id = job.path("id").asText();
    assertEquals("/api/jobs/" + id, created.headers().firstValue("Location").orElse(""));
    assertEquals("video-upload", job.path("kind").asText());
    assertEquals("starry_night", job.path("options").path("style").asText());

    JsonNode done = waitFor("/api/jobs/" + id, "SUCCEEDED");
    assertEquals(12, done.path("progress").path("framesOut").asLong(), done.toString());
    assertEquals(1.0, done.path("progress").path("fraction").asDouble());
    assertTrue(done.path("metrics").path("batches").asLong() >= 1, done.toString());
    assertEquals("/api/jobs/" + id + "/output", done.path("output").asText());

    HttpResponse<byte[]> video = t.get("/api/jobs/" + id + "/output");
    assertEquals(200, video.statusCode());
    assertEquals("video/mp4", video.headers().firstValue("Content-Type").orElse(""));
    Path out = work.resolve("out.mp4");
    Files.write(out, video.body());
    List<Frame> frames = new ArrayList<>();
    try (VideoFileSource source = VideoFileSource.open(out)) {
      Frame f;
      while ((f = source.read()) != null) {
        frames.add(f);
      }
    }
    assertEquals(12, frames.size());
    assertEquals(64, frames.getFirst().width());

    // the same job is a pipeline with live metrics
    JsonNode pipelines = json(t.get("/api/pipelines"));
    assertEquals("video-upload", pipelines.path("kinds").get(0).path("name").asText());
    boolean listed = false;
    for (JsonNode p : pipelines.path("pipelines")) {
      listed |= p.path("id").asText().equals(id);
    }
    assertTrue(listed, pipelines.toString());
    assertEquals(200, t.get("/api/pipelines/" + id).statusCode());
    String metrics = new String(t.get("/metrics").body(), StandardCharsets.UTF_8);
    assertTrue(metrics.contains("restyle_frames_out_total{stream=\"" + id + "\"} 12.0"));
    // stabilised by default, as restyle video is: flow between each pair of frames
    assertTrue(
        metrics.contains("restyle_temporal_flow_seconds_count{stream=\"" + id + "\"} 11"), metrics);

    assertEquals(204, t.delete("/api/jobs/" + id).statusCode());
    assertEquals(404, t.get("/api/jobs/" + id).statusCode());
    assertEquals(404, t.get("/api/jobs/" + id + "/output").statusCode());
    assertTrue(
        !new String(t.get("/metrics").body(), StandardCharsets.UTF_8).contains(id),
        "the deleted job's meters are still registered");
  }

  @Test
  void rawBodyUploadAndCancel() throws Exception {
    Path longer = work.resolve("longer.mp4");
    SampleClip.write(longer, new SampleClip.Spec(160, 120, 15, 300, 44_100));
    HttpResponse<byte[]> created =
        t.post(
            "/api/jobs?style=the_scream&temporal=false", "video/mp4", Files.readAllBytes(longer));
    assertEquals(202, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
    String id = json(created).path("id").asText();
    assertFalse(
        new String(t.get("/metrics").body(), StandardCharsets.UTF_8)
            .contains("restyle_temporal_flow_seconds_count{stream=\"" + id + "\"}"),
        "temporal=false still stabilises");
    HttpResponse<byte[]> early = t.get("/api/jobs/" + id + "/output");
    assertEquals(409, early.statusCode());
    assertTrue(json(early).path("message").asText().contains("not ready"));
    HttpResponse<byte[]> stopped =
        t.post("/api/pipelines/" + id + "/stop", "application/json", new byte[0]);
    assertEquals(200, stopped.statusCode());
    JsonNode cancelled = waitFor("/api/pipelines/" + id, "CANCELLED");
    assertNotEquals(300, cancelled.path("progress").path("framesOut").asLong());
    assertEquals(409, t.get("/api/jobs/" + id + "/output").statusCode());
    assertEquals(204, t.delete("/api/pipelines/" + id).statusCode());
  }

  @Test
  void badJobsGetClearErrors() throws Exception {
    HttpResponse<byte[]> notVideo =
        t.post(
            "/api/jobs",
            new Multipart()
                .file("video", "notes.txt", "text/plain", "not a video".getBytes())
                .field("style", "starry_night"));
    assertEquals(415, notVideo.statusCode(), new String(notVideo.body(), StandardCharsets.UTF_8));
    assertTrue(
        json(notVideo).path("message").asText().contains("cannot read 'notes.txt' as a video"));
    HttpResponse<byte[]> unknownStyle =
        t.post(
            "/api/jobs",
            new Multipart().file("video", "c.mp4", "video/mp4", clip).field("style", "nope"));
    assertEquals(404, unknownStyle.statusCode());
    HttpResponse<byte[]> noStyle =
        t.post("/api/jobs", new Multipart().file("video", "c.mp4", "video/mp4", clip));
    assertEquals(400, noStyle.statusCode());
    HttpResponse<byte[]> badTemporal =
        t.post("/api/jobs?style=starry_night&temporal=maybe", "video/mp4", clip);
    assertEquals(400, badTemporal.statusCode());
    assertTrue(
        json(badTemporal).path("message").asText().contains("temporal must be true or false"));
    HttpResponse<byte[]> tooBig =
        t.postRefusable("/api/jobs?style=starry_night", "video/mp4", new byte[5_000_001]);
    assertEquals(413, tooBig.statusCode());
    HttpResponse<byte[]> unknownKind =
        t.post(
            "/api/pipelines",
            "application/json",
            "{\"kind\":\"webrtc\",\"options\":{}}".getBytes());
    assertEquals(400, unknownKind.statusCode());
    assertTrue(
        json(unknownKind)
            .path("message")
            .asText()
            .contains("known kinds: video-upload, rtsp, kafka"));
    HttpResponse<byte[]> notJson = t.post("/api/pipelines", "application/json", "{".getBytes());
    assertEquals(400, notJson.statusCode());
    assertEquals(404, t.delete("/api/jobs/nope").statusCode());
    // nothing was left behind by the refused uploads
    try (var dirs = Files.list(work.resolve("pipelines"))) {
      assertEquals(
          0,
          dirs.filter(d -> !d.getFileName().toString().isEmpty())
              .filter(JobsApiTest::refused)
              .count());
    }
  }

  private static boolean refused(Path dir) {
    try {
      return t.get("/api/pipelines/" + dir.getFileName()).statusCode() == 404;
    } catch (Exception e) {
      return true;
    }
  }
}
