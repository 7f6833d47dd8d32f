package dev.restyle.cli;

import dev.restyle.ingest.kafka.KafkaMetrics;
import dev.restyle.ingest.metrics.PipelineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A progress line from the meters every few seconds, for a command that runs until stopped. */
final class KafkaStats implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("restyle.kafka");

  private final MeterRegistry registry;
  private final String streamTag;
  private final String topic;
  private final long seconds;
  private ScheduledExecutorService timer;
  private double lastOut;
  private long lastNanos = System.nanoTime();

  KafkaStats(MeterRegistry registry, String topic, long seconds) {
    this.registry = registry;
    this.topic = topic;
    this.streamTag = "kafka:" + topic;
    this.seconds = seconds;
  }

  void start() {
    if (seconds <= 0) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("restyle-kafka-stats").unstarted(r));
    timer.scheduleAtFixedRate(this::report, seconds, seconds, TimeUnit.SECONDS);
  }

  private double count(String name, String tag, String value) {
    Counter c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  private void report() {
    double out = count(PipelineMetrics.FRAMES_OUT, "stream", streamTag);
    double in = count(KafkaMetrics.RECORDS_IN, "topic", topic);
    double dead =
        registry.find(KafkaMetrics.DEAD_LETTERS).tag("topic", topic).counters().stream()
            .mapToDouble(Counter::count)
            .sum();
    Gauge pending = registry.find(KafkaMetrics.PENDING).tag("topic", topic).gauge();
    Timer latency = registry.find(PipelineMetrics.FRAME_LATENCY).tag("stream", streamTag).timer();
    Timer inference =
        registry.find(PipelineMetrics.INFERENCE_LATENCY).tag("stream", streamTag).timer();
    long now = System.nanoTime();
    double fps = (out - lastOut) / ((now - lastNanos) / 1e9);
    lastOut = out;
    lastNanos = now;
    LOG.info(
        String.format(
            java.util.Locale.ROOT,
            "records in %.0f, frames out %.0f (%.2f fps), dead letters %.0f, pending %.0f,"
                + " latency mean %.0f ms, inference mean %.0f ms",
            in,
            out,
            fps,
            dead,
            pending == null ? 0 : pending.value(),
            latency == null ? 0 : latency.mean(TimeUnit.MILLISECONDS),
            inference == null ? 0 : inference.mean(TimeUnit.MILLISECONDS)));
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
