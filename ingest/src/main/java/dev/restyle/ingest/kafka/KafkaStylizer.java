package dev.restyle.ingest.kafka;

import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.pipeline.Pipeline;
import dev.restyle.ingest.pipeline.PipelineListener;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.temporal.TemporalSettings;
import dev.restyle.ingest.temporal.TemporalStabilizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stylises a Kafka topic of frames into another, until stopped: a {@link KafkaTopicSource}, the
 * {@link Pipeline} (batcher, network) and its {@link KafkaFrameSink}, with offsets committed
 * through a {@link FramePublisher} only for frames whose output is safe. Several processes with the
 * same group id share the input's partitions.
 *
 * <p>With {@linkplain TemporalSettings temporal stabilisation} on, each record's frame is steadied
 * against the previous output of its own stream (the record key): streams interleaved in a topic or
 * a partition are kept apart, batching across them is unchanged, and the output keeps the input's
 * order.
 *
 * <p>{@link #stop()} (from any thread, e.g. a shutdown hook) stops taking records, lets the frames
 * in flight through, waits for their acknowledgements and commits; {@link #run()} then returns.
 */
public final class KafkaStylizer {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaStylizer.class);

  /**
   * How the pipeline batches.
   *
   * @param maxBatch the most frames per network pass
   * @param maxWait how long a batch waits for more frames
   */
  public record Batching(int maxBatch, Duration maxWait) {
    public Batching {
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
      }
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
      }
    }
  }

  private final KafkaSettings settings;
  private final BatchProcessor processor;
  private final MeterRegistry registry;
  private final Batching batching;
  private final PipelineListener listener;
  private final TemporalSettings temporal;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final AtomicReference<KafkaTopicSource> source = new AtomicReference<>();
  private final AtomicReference<Pipeline> pipeline = new AtomicReference<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile KafkaMetrics metrics;

  /** A stylizer without temporal stabilisation (each frame painted on its own). */
  public KafkaStylizer(
      KafkaSettings settings,
      BatchProcessor processor,
      MeterRegistry registry,
      Batching batching,
      PipelineListener listener) {
    this(settings, processor, registry, batching, listener, TemporalSettings.OFF);
  }

  /**
   * A stylizer.
   *
   * @param temporal temporal stabilisation per stream key ({@link TemporalSettings#OFF} for none)
   */
  public KafkaStylizer(
      KafkaSettings settings,
      BatchProcessor processor,
      MeterRegistry registry,
      Batching batching,
      PipelineListener listener,
      TemporalSettings temporal) {
    this.temporal = Objects.requireNonNull(temporal, "temporal");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.processor = Objects.requireNonNull(processor, "processor");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.batching = Objects.requireNonNull(batching, "batching");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** The Kafka meters, once {@link #run()} has started; {@code null} before. */
  public KafkaMetrics kafkaMetrics() {
    return metrics;
  }

  /**
   * Runs until {@link #stop()} or a failure.
   *
   * @return what the pipeline did ({@code decodeErrors} counts the dead letters)
   * @throws IOException if Kafka cannot be reached or an output was not taken
   */
  public PipelineResult run() throws IOException, InterruptedException {
    try (KafkaTopicSource frames = KafkaTopicSource.open(settings, registry)) {
      metrics = frames.metrics();
      source.set(frames);
      if (stopRequested.get()) {
        frames.stop();
      }
      Pipeline running =
          Pipeline.builder(frames, processor, frames.sink())
              .maxBatch(batching.maxBatch())
              .maxWait(batching.maxWait())
              .queueCapacity(Math.max(2, 2 * batching.maxBatch()))
              .meterRegistry(registry)
              .temporal(temporal)
              .listener(listener)
              .build();
      pipeline.set(running);
      LOG.info(
          "stylising {} -> {} (group {}, {}; dead letters to {})",
          settings.inputTopic(),
          settings.outputTopic(),
          settings.groupId(),
          settings.exactlyOnce() ? "exactly once" : "at least once",
          settings.deadLetterTopic());
      // Closing the source commits whatever is safe, also after a failure.
      return running.run();
    } catch (KafkaException e) {
      throw new IOException("Kafka at " + settings.bootstrap() + ": " + e.getMessage(), e);
    } finally {
      finished.countDown();
    }
  }

  /**
   * The temporal stabiliser (its meters), once {@link #run()} has started with temporal
   * stabilisation on; null otherwise.
   */
  public TemporalStabilizer stabilizer() {
    Pipeline running = pipeline.get();
    return running == null ? null : running.stabilizer();
  }

  /**
   * Stops: no more records are taken; the frames in flight are stylised, sent and committed, and
   * {@link #run()} returns. Returns at once; see {@link #awaitStopped}.
   */
  public void stop() {
    stopRequested.set(true);
    KafkaTopicSource frames = source.get();
    if (frames != null) {
      frames.stop();
    }
  }

  /**
   * Stops and waits for {@link #run()} to end; if the frames in flight take longer than {@code
   * timeout}, cancels the pipeline (what was acknowledged is still committed).
   *
   * @return whether {@link #run()} ended in time
   */
  public boolean stopAndWait(Duration timeout) throws InterruptedException {
    stop();
    if (finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    Pipeline running = pipeline.get();
    if (running != null) {
      LOG.warn("frames in flight did not finish within {}: cancelling", timeout);
      running.cancel();
    }
    return finished.await(10, TimeUnit.SECONDS);
  }
}
