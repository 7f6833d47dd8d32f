package dev.restyle.serve.pipelines;

import dev.restyle.serve.http.ApiException;
import dev.restyle.serve.http.Params;
import dev.restyle.serve.inference.InferenceQueue;
import dev.restyle.serve.styles.StyleCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines the service runs, by id: starts them (at most {@code maxRunning} that end by
 * themselves at once, the rest wait their turn; live ones run at once, on threads of their own),
 * stops and deletes them, and forgets the oldest finished ones beyond {@code maxRetained} (with
 * their files). Meters: {@code restyle.serve.pipelines} (gauge by state) and {@code
 * restyle.serve.pipelines.started} (counter by kind).
 */
public final class PipelineManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineManager.class);

  /** How long stopping a live pipeline waits for its frames in flight. */
  private static final Duration DRAIN = Duration.ofSeconds(20);

  /** Saves a pipeline's upload, if it has one, into the pipeline's folder. */
  @FunctionalInterface
  public interface UploadWriter {
    Optional<PipelineRequest.Upload> write(Path directory) throws IOException;
  }

  private final Map<String, PipelineKind> kinds = new LinkedHashMap<>();
  private final Map<String, ManagedPipeline> pipelines = new LinkedHashMap<>();
  private final Path workDirectory;
  private final StyleCatalog styles;
  private final InferenceQueue queue;
  private final int maxBatch;
  private final int maxRetained;
  private final ExecutorService runners;
  private final MeterRegistry registry;

  public PipelineManager(
      List<PipelineKind> kinds,
      Path workDirectory,
      StyleCatalog styles,
      InferenceQueue queue,
      int maxBatch,
      int maxRunning,
      int maxRetained,
      MeterRegistry registry)
      throws IOException {
    for (PipelineKind kind : kinds) {
      if (this.kinds.putIfAbsent(kind.name(), kind) != null) {
        throw new IllegalArgumentException("two pipeline kinds are named " + kind.name());
      }
    }
    this.workDirectory = Files.createDirectories(workDirectory);
    this.styles = styles;
    this.queue = queue;
    this.maxBatch = maxBatch;
    this.maxRetained = maxRetained;
    this.registry = registry;
    this.runners =
        Executors.newFixedThreadPool(
            maxRunning, Thread.ofPlatform().name("restyle-pipeline-", 0).daemon(true).factory());
    for (PipelineState state : PipelineState.values()) {
      Gauge.builder("restyle.serve.pipelines", () -> count(state))
          .description("pipelines known to the service, by state")
          .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
  }

  /** The kinds, in registration order. */
  public List<PipelineKind> kinds() {
    return List.copyOf(kinds.values());
  }

  public boolean hasKind(String name) {
    return kinds.containsKey(name);
  }

  /**
   * Opens and queues a pipeline.
   *
   * @throws ApiException 400 for an unknown kind or bad options or input
   */
  public ManagedPipeline start(String kindName, Map<String, String> options, UploadWriter upload)
      throws IOException {
    PipelineKind kind = kinds.get(kindName);
    if (kind == null) {
      throw ApiException.badRequest(
          "unknown pipeline kind '"
              + kindName
              + "'; known kinds: "
              + String.join(", ", kinds.keySet()));
    }
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Path directory = Files.createDirectories(workDirectory.resolve(id));
    ManagedPipeline pipeline;
    try {
      Optional<PipelineRequest.Upload> file = upload.write(directory);
      PipelineParts parts =
          kind.open(
              new PipelineRequest(kindName, options, file),
              new PipelineContext(id, directory, styles, queue, maxBatch, registry));
      pipeline =
          new ManagedPipeline(
              id,
              kindName,
              options,
              directory,
              parts,
              registry,
              Duration.ofMillis(20),
              Params.temporal(name -> Optional.ofNullable(options.get(name))));
    } catch (IOException | RuntimeException e) {
      deleteTree(directory);
      throw e;
    }
    synchronized (pipelines) {
      pipelines.put(id, pipeline);
    }
    Counter.builder("restyle.serve.pipelines.started")
        .description("pipelines started, by kind")
        .tag("kind", kindName)
        .register(registry)
        .increment();
    Runnable body =
        () -> {
          pipeline.run();
          evictFinished();
        };
    if (pipeline.live()) {
      // A live pipeline runs until stopped: it takes no turn from the jobs.
      Thread.ofPlatform().name("restyle-live-" + id).daemon(true).start(body);
    } else {
      runners.submit(body);
    }
    return pipeline;
  }

  /**
   * @throws ApiException 404 if no pipeline has that id
   */
  public ManagedPipeline get(String id) {
    synchronized (pipelines) {
      ManagedPipeline pipeline = pipelines.get(id);
      if (pipeline == null) {
        throw ApiException.notFound("no pipeline or job has the id '" + id + "'");
      }
      return pipeline;
    }
  }

  public List<ManagedPipeline> list() {
    synchronized (pipelines) {
      return List.copyOf(pipelines.values());
    }
  }

  /** Stops a pipeline and keeps its record. */
  public ManagedPipeline stop(String id) throws InterruptedException {
    ManagedPipeline pipeline = get(id);
    pipeline.stop(DRAIN);
    return pipeline;
  }

  /** Stops a pipeline, forgets it and deletes its files. */
  public void delete(String id) throws InterruptedException {
    ManagedPipeline pipeline = get(id);
    pipeline.stop(DRAIN);
    if (!pipeline.awaitFinished(10_000)) {
      LOG.warn("pipeline {} did not stop within 10 s; deleting its record anyway", id);
    }
    forget(pipeline);
  }

  private void forget(ManagedPipeline pipeline) {
    synchronized (pipelines) {
      pipelines.remove(pipeline.id());
    }
    pipeline.removeMeters();
    deleteTree(pipeline.directory());
  }

  private void evictFinished() {
    List<ManagedPipeline> finished;
    synchronized (pipelines) {
      finished =
          new ArrayList<>(pipelines.values().stream().filter(p -> p.state().finished()).toList());
    }
    int excess = finished.size() - maxRetained;
    for (int i = 0; i < excess; i++) {
      LOG.info(
          "forgetting finished pipeline {} (more than {} kept)", finished.get(i).id(), maxRetained);
      forget(finished.get(i));
    }
  }

  private long count(PipelineState state) {
    synchronized (pipelines) {
      return pipelines.values().stream().filter(p -> p.state() == state).count();
    }
  }

  private static void deleteTree(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete {}", directory, e);
    }
  }

  /** Cancels every pipeline and deletes their files. */
  @Override
  public void close() {
    list().forEach(ManagedPipeline::cancel);
    runners.shutdownNow();
    try {
      runners.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    list().forEach(this::forget);
  }
}
