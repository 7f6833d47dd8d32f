package dev.restyle.serve.pipelines;

import dev.restyle.ingest.metrics.PipelineMetrics;
import dev.restyle.ingest.pipeline.Pipeline;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.temporal.TemporalSettings;
import dev.restyle.serve.preview.LatestFrame;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline the service runs: its opened parts, the ingest {@link Pipeline} built on them, its
 * state and its progress. Runs once, on a thread of the {@link PipelineManager}.
 */
public final class ManagedPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedPipeline.class);

  private final String id;
  private final String kind;
  private final Map<String, String> options;
  private final Path directory;
  private final PipelineParts parts;
  private final Pipeline pipeline;
  private final MeterRegistry registry;
  private final Instant createdAt = Instant.now();
  private final AtomicLong written = new AtomicLong();
  private final LatestFrame latest = new LatestFrame();
  private volatile PipelineState state = PipelineState.QUEUED;
  private volatile Instant startedAt;
  private volatile Instant finishedAt;
  private volatile long startNanos;
  private volatile long endNanos;
  private volatile String error;
  private boolean closed;

  ManagedPipeline(
      String id,
      String kind,
      Map<String, String> options,
      Path directory,
      PipelineParts parts,
      MeterRegistry registry,
      Duration maxWait,
      TemporalSettings temporal) {
    this.id = id;
    this.kind = kind;
    this.options = Map.copyOf(options);
    this.directory = directory;
    this.parts = parts;
    this.registry = registry;
    this.pipeline =
        Pipeline.builder(parts.source(), parts.processor(), parts.sink())
            .maxBatch(parts.maxBatch())
            .maxWait(maxWait)
            .overflow(parts.overflow())
            .meterRegistry(registry)
            .temporal(temporal)
            .listener(
                (frame, count) -> {
                  written.set(count);
                  latest.offer(frame, count);
                })
            .build();
  }

  public String id() {
    return id;
  }

  public String kind() {
    return kind;
  }

  public PipelineState state() {
    return state;
  }

  Path directory() {
    return directory;
  }

  /** The result file, once the pipeline has succeeded. */
  public Optional<Path> output() {
    return state == PipelineState.SUCCEEDED ? parts.output() : Optional.empty();
  }

  /**
   * A playlist or segment ({@code NAME.m3u8}, {@code NAME.ts}) the pipeline is writing, if it is
   * there now (old segments are deleted as new ones come).
   */
  public Optional<Path> liveFile(String name) {
    if (!name.matches("[A-Za-z0-9_-]{1,64}\\.(m3u8|ts)")) {
      return Optional.empty();
    }
    Path file = directory.resolve(name);
    return java.nio.file.Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  /** The latest stylised frame, for the live preview. */
  public LatestFrame latestFrame() {
    return latest;
  }

  /** Whether the pipeline runs until stopped. */
  boolean live() {
    return parts.live();
  }

  /** Whether the kind produces a file at all. */
  public boolean producesOutput() {
    return parts.output().isPresent();
  }

  /** Runs the pipeline to its end (on a manager thread). */
  void run() {
    synchronized (this) {
      if (state != PipelineState.QUEUED) {
        return; // cancelled while queued
      }
      state = PipelineState.RUNNING;
      startedAt = Instant.now();
      startNanos = System.nanoTime();
    }
    LOG.info("pipeline {} ({}) started", id, kind);
    try {
      PipelineResult result = pipeline.run();
      finish(PipelineState.SUCCEEDED, null);
      LOG.info(
          "pipeline {} done: {} frames at {} fps",
          id,
          result.framesOut(),
          String.format(java.util.Locale.ROOT, "%.2f", result.framesPerSecond()));
    } catch (CancellationException e) {
      finish(PipelineState.CANCELLED, "cancelled");
      LOG.info("pipeline {} cancelled", id);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish(PipelineState.CANCELLED, "the server is shutting down");
    } catch (Exception | Error e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      finish(PipelineState.FAILED, message);
      LOG.warn("pipeline {} failed: {}", id, message, e);
    }
  }

  /**
   * Stops the pipeline: a live one ends its stream, lets the frames in flight through and succeeds
   * (cancelled if that takes longer than {@code drain}); any other is cancelled.
   */
  void stop(Duration drain) throws InterruptedException {
    if (!parts.live() || state != PipelineState.RUNNING) {
      cancel();
      return;
    }
    parts.source().stop();
    if (!awaitFinished(drain.toMillis())) {
      LOG.warn("pipeline {} did not drain within {}: cancelling", id, drain);
      cancel();
    }
  }

  /** Stops the pipeline: a queued one never starts, a running one ends as cancelled. */
  public void cancel() {
    synchronized (this) {
      if (state == PipelineState.QUEUED) {
        finish(PipelineState.CANCELLED, "cancelled before it started");
        return;
      }
    }
    pipeline.cancel();
    parts.source().stop(); // a live source blocked in read() ends its stream
  }

  private synchronized void finish(PipelineState end, String message) {
    if (state.finished()) {
      return;
    }
    state = end;
    error = end == PipelineState.SUCCEEDED ? null : message;
    finishedAt = Instant.now();
    endNanos = System.nanoTime();
    closeParts();
  }

  private synchronized void closeParts() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      parts.sink().close();
    } catch (Exception e) {
      LOG.warn("closing the sink of pipeline {} failed", id, e);
    }
    try {
      parts.source().close();
    } catch (Exception e) {
      LOG.warn("closing the source of pipeline {} failed", id, e);
    }
  }

  /** Waits for the pipeline to end, up to {@code millis}. */
  boolean awaitFinished(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!state.finished()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Removes this pipeline's meters from the registry. */
  void removeMeters() {
    registry.getMeters().stream()
        .filter(m -> id.equals(m.getId().getTag("stream")))
        .toList()
        .forEach(registry::remove);
  }

  /** The status, with live metrics, for the API; {@code links} maps output to a URL. */
  public PipelineStatus status(String outputUrl) {
    PipelineMetrics m = pipeline.metrics();
    long expected = parts.source().info().estimatedFrames();
    long out = (long) m.framesOut().count();
    PipelineState now = state;
    Double fraction =
        now == PipelineState.SUCCEEDED
            ? Double.valueOf(1.0)
            : expected > 0 ? Double.valueOf(Math.min(1.0, out / (double) expected)) : null;
    long end = now.finished() ? endNanos : System.nanoTime();
    double seconds = startNanos == 0 ? 0 : (end - startNanos) / 1e9;
    Map<String, Integer> depths = new TreeMap<>();
    registry.find(PipelineMetrics.QUEUE_DEPTH).tag("stream", id).gauges().stream()
        .forEach(g -> depths.put(g.getId().getTag("queue"), (int) gaugeValue(g)));
    return new PipelineStatus(
        id,
        kind,
        now,
        options,
        createdAt.toString(),
        startedAt == null ? null : startedAt.toString(),
        finishedAt == null ? null : finishedAt.toString(),
        new PipelineStatus.Progress(
            (long) m.framesIn().count(),
            out,
            expected,
            fraction,
            seconds > 0 ? written.get() / seconds : 0),
        new PipelineStatus.Metrics(
            (long) m.framesDropped().count(),
            (long) m.decodeErrors().count(),
            m.inferenceLatency().count(),
            m.inferenceLatency().mean(TimeUnit.MILLISECONDS),
            m.frameLatency().mean(TimeUnit.MILLISECONDS),
            depths),
        error,
        now == PipelineState.SUCCEEDED && parts.output().isPresent() ? outputUrl : null);
  }

  private static double gaugeValue(Gauge g) {
    double v = g.value();
    return Double.isNaN(v) ? 0 : v;
  }
}
