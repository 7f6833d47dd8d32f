package dev.restyle.ingest.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The Kafka side's meters, all tagged {@code topic=<input topic>} (the pipeline's own meters,
 * {@link dev.restyle.ingest.metrics.PipelineMetrics}, count frames, queues and latencies):
 *
 * <ul>
 *   <li>{@value #RECORDS_IN}: records taken from the input;
 *   <li>{@value #DEAD_LETTERS}: malformed records sent to the dead-letter topic, tagged {@code
 *       kind} ({@code key}, {@code header}, {@code decode}, {@code size});
 *   <li>{@value #RECORDS_ACKED}: output records (frames and dead letters) acknowledged;
 *   <li>{@value #SEND_FAILURES}: output records the broker did not take;
 *   <li>{@value #ACK_LATENCY}: from sending an output record to its acknowledgement;
 *   <li>{@value #COMMITS}, {@value #COMMIT_LATENCY}: offset commits (or transactions) and their
 *       time;
 *   <li>{@value #PENDING}: a gauge of input records taken whose output is not yet safe.
 * </ul>
 */
public final class KafkaMetrics {
  public static final String RECORDS_IN = "restyle.kafka.records.in";
  public static final String DEAD_LETTERS = "restyle.kafka.dead.letters";
  public static final String RECORDS_ACKED = "restyle.kafka.records.acked";
  public static final String SEND_FAILURES = "restyle.kafka.send.failures";
  public static final String ACK_LATENCY = "restyle.kafka.ack.latency";
  public static final String COMMITS = "restyle.kafka.commits";
  public static final String COMMIT_LATENCY = "restyle.kafka.commit.latency";
  public static final String PENDING = "restyle.kafka.pending";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter recordsIn;
  private final Counter acked;
  private final Counter sendFailures;
  private final Timer ackLatency;
  private final Counter commits;
  private final Timer commitLatency;

  public KafkaMetrics(MeterRegistry registry, String inputTopic, IntSupplier pending) {
    this.registry = registry;
    this.tags = Tags.of("topic", inputTopic);
    recordsIn =
        Counter.builder(RECORDS_IN)
            .description("input records taken")
            .tags(tags)
            .register(registry);
    acked =
        Counter.builder(RECORDS_ACKED)
            .description("output records acknowledged by the broker")
            .tags(tags)
            .register(registry);
    sendFailures =
        Counter.builder(SEND_FAILURES)
            .description("output records the broker did not take")
            .tags(tags)
            .register(registry);
    ackLatency =
        Timer.builder(ACK_LATENCY)
            .description("time from sending an output record to its acknowledgement")
            .tags(tags)
            .register(registry);
    commits =
        Counter.builder(COMMITS)
            .description("offset commits or transactions")
            .tags(tags)
            .register(registry);
    commitLatency =
        Timer.builder(COMMIT_LATENCY)
            .description("time of an offset commit or transaction commit")
            .tags(tags)
            .register(registry);
    Gauge.builder(PENDING, pending::getAsInt)
        .description("input records taken whose output is not yet safe")
        .tags(tags)
        .register(registry);
  }

  public void recordIn() {
    recordsIn.increment();
  }

  public void deadLetter(MalformedFrameException.Kind kind) {
    deadLetters(kind).increment();
  }

  /** The dead-letter counter of one kind of fault. */
  public Counter deadLetters(MalformedFrameException.Kind kind) {
    return Counter.builder(DEAD_LETTERS)
        .description("malformed records sent to the dead-letter topic")
        .tags(tags.and("kind", kind.name().toLowerCase(Locale.ROOT)))
        .register(registry);
  }

  /** Dead letters of every kind so far. */
  public double deadLettersTotal() {
    double total = 0;
    for (MalformedFrameException.Kind kind : MalformedFrameException.Kind.values()) {
      total += deadLetters(kind).count();
    }
    return total;
  }

  public void acked(long sentNanos) {
    acked.increment();
    ackLatency.record(System.nanoTime() - sentNanos, TimeUnit.NANOSECONDS);
  }

  public void sendFailed() {
    sendFailures.increment();
  }

  public void committed(long startNanos) {
    commits.increment();
    commitLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  public Counter recordsIn() {
    return recordsIn;
  }

  public Counter recordsAcked() {
    return acked;
  }

  public Counter sendFailures() {
    return sendFailures;
  }

  public Timer ackLatency() {
    return ackLatency;
  }

  public Counter commits() {
    return commits;
  }
}
