package dev.restyle.ingest.temporal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Temporal stabilisation's meters, tagged {@code stream=<pipeline id>} like the pipeline's:
 *
 * <ul>
 *   <li>{@value #FLOW}: a timer of the optical flow per frame (both directions);
 *   <li>{@value #LATENCY}: a timer of a frame's whole stabilisation (flow, checks, warp, blend);
 *   <li>{@value #CARRIED}: the distribution of the share of each frame's pixels carried over from
 *       the previous output (0 to 1; 0 for a stream's first frame and after a reset);
 *   <li>{@value #RESETS}: a counter of resets, tagged {@code reason} ({@link Reset#label()});
 *   <li>{@value #EVICTED}: a counter of streams forgotten to keep at most {@code maxStreams};
 *   <li>{@value #STREAMS}: a gauge of the streams whose previous frame is held.
 * </ul>
 */
public final class TemporalMetrics {
  public static final String FLOW = "restyle.temporal.flow";
  public static final String LATENCY = "restyle.temporal.latency";
  public static final String CARRIED = "restyle.temporal.carried";
  public static final String RESETS = "restyle.temporal.resets";
  public static final String EVICTED = "restyle.temporal.evicted";
  public static final String STREAMS = "restyle.temporal.streams";

  private final Timer flow;
  private final Timer latency;
  private final DistributionSummary carried;
  private final Map<Reset, Counter> resets = new EnumMap<>(Reset.class);
  private final Counter evicted;

  TemporalMetrics(MeterRegistry registry, String streamTag, IntSupplier streams) {
    Tags tags = Tags.of("stream", streamTag);
    flow =
        Timer.builder(FLOW)
            .description("optical flow of one frame, both directions")
            .tags(tags)
            .register(registry);
    latency =
        Timer.builder(LATENCY)
            .description("temporal stabilisation of one frame: flow, checks, warp and blend")
            .tags(tags)
            .register(registry);
    carried =
        DistributionSummary.builder(CARRIED)
            .description("share of a frame's pixels carried over from the previous output")
            .tags(tags)
            .register(registry);
    for (Reset reason : Reset.values()) {
      resets.put(
          reason,
          Counter.builder(RESETS)
              .description("times a stream's stabilisation started afresh")
              .tags(tags.and("reason", reason.label()))
              .register(registry));
    }
    evicted =
        Counter.builder(EVICTED)
            .description("streams forgotten to keep the most streams held")
            .tags(tags)
            .register(registry);
    Gauge.builder(STREAMS, streams::getAsInt)
        .description("streams whose previous frame is held")
        .tags(tags)
        .register(registry);
  }

  void flow(long nanos) {
    flow.record(nanos, TimeUnit.NANOSECONDS);
  }

  void frame(long nanos, double carriedShare) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
    carried.record(carriedShare);
  }

  void reset(Reset reason) {
    resets.get(reason).increment();
  }

  void evicted() {
    evicted.increment();
  }

  public Timer flow() {
    return flow;
  }

  public Timer latency() {
    return latency;
  }

  public DistributionSummary carried() {
    return carried;
  }

  /** Resets so far for a reason. */
  public long resets(Reset reason) {
    return (long) resets.get(reason).count();
  }

  /** Resets so far, for any reason. */
  public long totalResets() {
    long sum = 0;
    for (Counter c : resets.values()) {
      sum += (long) c.count();
    }
    return sum;
  }

  public long evictions() {
    return (long) evicted.count();
  }
}
