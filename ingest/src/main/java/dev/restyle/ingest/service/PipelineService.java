package dev.restyle.ingest.service;

import dev.restyle.ingest.config.PipelineConfig;
import dev.restyle.ingest.endpoint.Endpoints;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.metrics.MetricsServer;
import dev.restyle.ingest.metrics.ProgressReport;
import dev.restyle.ingest.pipeline.Pipeline;
import dev.restyle.ingest.pipeline.PipelineListener;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.sink.FrameSink;
import dev.restyle.ingest.temporal.TemporalStabilizer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link PipelineConfig}: opens its source and sink through {@link Endpoints}, serves
 * {@code /metrics} if the config gives a port, logs a progress line (frames, fps, drops,
 * reconnects, latency p50/p99) every {@code metrics.logEvery} and a summary at the end, and stops
 * cleanly on {@link #stop} or after {@code stopAfter}: the source ends its stream, the queued
 * frames are written and the sink completes its output.
 */
public final class PipelineService {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineService.class);

  private final PipelineConfig config;
  private final Endpoints endpoints;
  private final MeterRegistry registry;
  private final AtomicReference<StoppableSource> source = new AtomicReference<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private volatile MetricsServer server;
  private volatile String summary = "";
  private volatile TemporalStabilizer stabilizer;

  /**
   * A service for a config.
   *
   * @param registry where the meters go; a {@link PrometheusMeterRegistry} is needed for the scrape
   *     endpoint (see {@link #registryFor})
   */
  public PipelineService(PipelineConfig config, Endpoints endpoints, MeterRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** A Prometheus registry if the config asks for the endpoint, else a simple one. */
  public static MeterRegistry registryFor(PipelineConfig config) {
    return config.metrics().port() != null
        ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
        : new SimpleMeterRegistry();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The port of the scrape endpoint once it serves (useful when the config asked for port 0). */
  public int metricsPort() {
    MetricsServer s = server;
    if (s == null) {
      throw new IllegalStateException("no metrics endpoint is serving");
    }
    return s.port();
  }

  /**
   * The pipeline's temporal stabiliser (for its {@linkplain TemporalStabilizer#metrics() meters})
   * once a run with temporal stabilisation on has ended; null otherwise.
   */
  public TemporalStabilizer stabilizer() {
    return stabilizer;
  }

  /** The last summary line: frames, fps, drops, reconnects, latency p50/p99. */
  public String summary() {
    return summary;
  }

  /**
   * Runs to the end of the stream, {@link #stop}, or {@code stopAfter}.
   *
   * @param processor the network (the caller keeps and closes it)
   * @param defaultBatch the batch size when the config gives none
   * @param listener told of each frame written
   */
  public PipelineResult run(BatchProcessor processor, int defaultBatch, PipelineListener listener)
      throws IOException, InterruptedException {
    try {
      if (config.metrics().port() != null) {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
          throw new IllegalStateException("a metrics port needs a PrometheusMeterRegistry");
        }
        server = MetricsServer.start(prometheus, config.metrics().host(), config.metrics().port());
      }
      try (StoppableSource src =
              new StoppableSource(endpoints.openSource(config.source(), registry));
          FrameSink sink = endpoints.openSink(config.sink(), src.delegate())) {
        source.set(src);
        if (stopRequested) {
          src.stop();
        }
        Pipeline pipeline =
            Pipeline.builder(src, processor, sink)
                .maxBatch(config.batch() != null ? config.batch() : defaultBatch)
                .maxWait(config.maxWait())
                .predictors(config.predictors())
                .queueCapacity(config.source().queue())
                .overflow(config.source().overflow())
                .meterRegistry(registry)
                .temporal(config.temporal())
                .listener(listener)
                .build();
        String id = src.info().streamId();
        Thread timer = null;
        if (config.stopAfter() != null) {
          timer =
              Thread.ofPlatform()
                  .daemon(true)
                  .name("restyle-stop-after")
                  .start(
                      () -> {
                        try {
                          Thread.sleep(config.stopAfter());
                          LOG.info("{}: stopping after {}", id, config.stopAfter());
                          stop();
                        } catch (InterruptedException e) {
                          // the pipeline ended first
                        }
                      });
        }
        try (ProgressReport report =
            ProgressReport.start(pipeline.metrics(), id, config.metrics().logEvery())) {
          PipelineResult result;
          try {
            result = pipeline.run();
          } finally {
            summary = report.summary();
            stabilizer = pipeline.stabilizer();
            LOG.info("{}: {}", id, summary);
            if (timer != null) {
              timer.interrupt();
            }
          }
          return result;
        }
      }
    } finally {
      MetricsServer s = server;
      if (s != null) {
        s.close();
      }
      done.countDown();
    }
  }

  /**
   * Ends the stream early, from any thread: the source stops, queued frames are written and the
   * output completed. Returns at once; {@link #awaitDone} waits.
   */
  public void stop() {
    stopRequested = true;
    StoppableSource s = source.get();
    if (s != null) {
      s.stop();
    }
  }

  /** Waits for {@link #run} to return; false if it did not in time. */
  public boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }
}
