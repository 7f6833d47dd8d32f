package dev.restyle.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a line about a running pipeline every so often, from its meters: frames written and the
 * frame rate since the last line, frames dropped, reconnects, and the end-to-end latency's 50th and
 * 99th percentiles; {@link #summary()} gives the same for the whole run.
 */
public final class ProgressReport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReport.class);

  private final PipelineMetrics metrics;
  private final String streamId;
  private final ScheduledExecutorService timer;
  private final long startNanos = System.nanoTime();
  private long lastNanos = startNanos;
  private double lastFrames;

  private ProgressReport(PipelineMetrics metrics, String streamId, Duration every) {
    this.metrics = metrics;
    this.streamId = streamId;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("restyle-report").daemon(true).unstarted(r));
    long millis = every.toMillis();
    timer.scheduleAtFixedRate(this::log, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Starts logging every {@code every}. */
  public static ProgressReport start(PipelineMetrics metrics, String streamId, Duration every) {
    return new ProgressReport(metrics, streamId, every);
  }

  private synchronized void log() {
    long now = System.nanoTime();
    double frames = metrics.framesOut().count();
    double fps = (frames - lastFrames) / ((now - lastNanos) / 1e9);
    lastFrames = frames;
    lastNanos = now;
    LOG.info("{}: {}", streamId, line(fps));
  }

  /** The whole run so far: frames, mean fps, drops, reconnects, latency percentiles. */
  public synchronized String summary() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return line(seconds > 0 ? metrics.framesOut().count() / seconds : 0);
  }

  private String line(double fps) {
    Timer latency = metrics.frameLatency();
    HistogramSnapshot snapshot = latency.takeSnapshot();
    return String.format(
        Locale.ROOT,
        "%d frames out, %.1f fps, %d dropped, %d reconnects, latency p50 %s p99 %s max %s",
        (long) metrics.framesOut().count(),
        fps,
        (long) metrics.framesDropped().count(),
        reconnects(metrics.registry()),
        millis(percentile(snapshot, 0.5)),
        millis(percentile(snapshot, 0.99)),
        millis(snapshot.max(TimeUnit.MILLISECONDS)));
  }

  /** The p-th percentile in milliseconds, NaN if none was recorded. */
  static double percentile(HistogramSnapshot snapshot, double p) {
    for (ValueAtPercentile v : snapshot.percentileValues()) {
      if (Math.abs(v.percentile() - p) < 1e-9) {
        return v.value(TimeUnit.MILLISECONDS);
      }
    }
    return Double.NaN;
  }

  private long reconnects(MeterRegistry registry) {
    Counter c = registry.find("restyle.source.reconnects").tag("stream", streamId).counter();
    return c == null ? 0 : (long) c.count();
  }

  private static String millis(double ms) {
    return Double.isNaN(ms) || ms == 0 ? "-" : String.format(Locale.ROOT, "%.0f ms", ms);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
