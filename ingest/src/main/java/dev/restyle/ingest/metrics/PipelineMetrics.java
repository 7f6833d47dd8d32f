package dev.restyle.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A pipeline's meters, all tagged {@code stream=<id>}:
 *
 * <ul>
 *   <li>{@value #FRAMES_IN}, {@value #FRAMES_OUT}, {@value #FRAMES_DROPPED}: counters of frames
 *       read from the source, written to the sink, and dropped by a queue's overflow policy;
 *   <li>{@value #DECODE_ERRORS}, {@value #ENCODE_ERRORS}: counters of damaged input the source
 *       skipped or concealed, and of frames the sink failed to encode;
 *   <li>{@value #QUEUE_DEPTH}: a gauge per queue (tag {@code queue}) of the frames or batches in
 *       it;
 *   <li>{@value #BATCH_SIZE}: the distribution of batch sizes, in frames;
 *   <li>{@value #INFERENCE_LATENCY}: a timer of each batch's pass through the network;
 *   <li>{@value #FRAME_LATENCY}: a timer of each frame from the source producing it to the sink
 *       having written it (end to end), with a histogram and the 50th, 90th and 99th percentiles
 *       (client side, over the last two minutes).
 * </ul>
 *
 * <p>Registering a second pipeline with the same stream id in one registry shares its counters and
 * keeps the first pipeline's queue gauges; give concurrent pipelines distinct stream ids.
 */
public final class PipelineMetrics {
  public static final String FRAMES_IN = "restyle.frames.in";
  public static final String FRAMES_OUT = "restyle.frames.out";
  public static final String FRAMES_DROPPED = "restyle.frames.dropped";
  public static final String DECODE_ERRORS = "restyle.decode.errors";
  public static final String ENCODE_ERRORS = "restyle.encode.errors";
  public static final String QUEUE_DEPTH = "restyle.queue.depth";
  public static final String BATCH_SIZE = "restyle.batch.size";
  public static final String INFERENCE_LATENCY = "restyle.inference.latency";
  public static final String FRAME_LATENCY = "restyle.frame.latency";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter framesIn;
  private final Counter framesOut;
  private final Counter framesDropped;
  private final Counter decodeErrors;
  private final Counter encodeErrors;
  private final DistributionSummary batchSize;
  private final Timer inferenceLatency;
  private final Timer frameLatency;

  public PipelineMetrics(MeterRegistry registry, String streamId) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tags = Tags.of("stream", streamId);
    framesIn = counter(FRAMES_IN, "frames read from the source");
    framesOut = counter(FRAMES_OUT, "frames written to the sink");
    framesDropped = counter(FRAMES_DROPPED, "frames dropped by a full queue");
    decodeErrors = counter(DECODE_ERRORS, "damaged input skipped or concealed by the decoder");
    encodeErrors = counter(ENCODE_ERRORS, "frames the sink failed to encode or write");
    batchSize =
        DistributionSummary.builder(BATCH_SIZE)
            .description("frames per network pass")
            .baseUnit("frames")
            .tags(tags)
            .register(registry);
    inferenceLatency =
        Timer.builder(INFERENCE_LATENCY)
            .description("time of one batch through the network")
            .tags(tags)
            .register(registry);
    frameLatency =
        Timer.builder(FRAME_LATENCY)
            .description("time from a frame's decoding to its encoding")
            .tags(tags)
            .publishPercentiles(0.5, 0.9, 0.99)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /** Registers a gauge of a queue's depth. */
  public void queueDepth(String queue, IntSupplier depth) {
    Gauge.builder(QUEUE_DEPTH, depth::getAsInt)
        .description("items waiting in a queue between stages")
        .tags(tags.and("queue", queue))
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void frameIn() {
    framesIn.increment();
  }

  /** A frame written; {@code createdNanos} is when the source produced it. */
  public void frameOut(long createdNanos) {
    framesOut.increment();
    frameLatency.record(System.nanoTime() - createdNanos, TimeUnit.NANOSECONDS);
  }

  public void frameDropped() {
    framesDropped.increment();
  }

  public void addDecodeErrors(long count) {
    decodeErrors.increment(count);
  }

  public void encodeError() {
    encodeErrors.increment();
  }

  /** A batch of {@code size} frames took {@code nanos} in the network. */
  public void batch(int size, long nanos) {
    batchSize.record(size);
    inferenceLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public Counter framesIn() {
    return framesIn;
  }

  public Counter framesOut() {
    return framesOut;
  }

  public Counter framesDropped() {
    return framesDropped;
  }

  public Counter decodeErrors() {
    return decodeErrors;
  }

  public Counter encodeErrors() {
    return encodeErrors;
  }

  public DistributionSummary batchSize() {
    return batchSize;
  }

  public Timer inferenceLatency() {
    return inferenceLatency;
  }

  public Timer frameLatency() {
    return frameLatency;
  }
}
