package dev.restyle.ingest.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.metrics.PipelineMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A live pipeline whose network is slower than its source drops the oldest frames and counts them.
 */
class DropOldestTest {
  private static final int FRAMES = 200;

  @Test
  void dropsTheOldestAndCountsEveryDrop() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ListSink sink = new ListSink();
    PipelineResult result =
        Pipeline.builder(
                new SyntheticSource(
                    "fast", 500, FRAMES, i -> SyntheticSource.tiny("fast", i, i * 2000L), 2),
                batch -> {
                  try {
                    Thread.sleep(20); // ten times slower than the source
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return batch;
                },
                sink)
            .maxBatch(1)
            .maxWait(Duration.ZERO)
            .queueCapacity(2)
            .overflow(OverflowPolicy.DROP_OLDEST)
            .meterRegistry(registry)
            .build()
            .run();
    assertEquals(FRAMES, result.framesIn());
    assertEquals(sink.frames.size(), result.framesOut());
    assertTrue(result.framesDropped() > FRAMES / 2, result.toString());
    assertEquals(FRAMES, result.framesOut() + result.framesDropped(), result.toString());
    assertEquals(
        result.framesDropped(),
        (long) registry.get(PipelineMetrics.FRAMES_DROPPED).counter().count());
    // what is kept is in order and ends with the newest frame
    for (int i = 1; i < sink.frames.size(); i++) {
      assertTrue(sink.frames.get(i).index() > sink.frames.get(i - 1).index());
    }
    assertEquals(FRAMES - 1, sink.frames.getLast().index());
  }

  /** The network's slow first passes run on blank frames before a live source is read. */
  @ParameterizedTest
  @EnumSource(OverflowPolicy.class)
  void warmsTheNetworkUpBeforeALiveStream(OverflowPolicy policy) throws Exception {
    List<Frame> seen = Collections.synchronizedList(new ArrayList<>());
    ListSink sink = new ListSink();
    PipelineResult result =
        Pipeline.builder(
                new SyntheticSource("live", 25, 3, i -> SyntheticSource.tiny("live", i, i), 0),
                batch -> {
                  seen.addAll(batch);
                  return batch;
                },
                sink)
            .overflow(policy)
            .queueCapacity(8)
            .build()
            .run();
    int warmUps = policy == OverflowPolicy.BLOCK ? 0 : 2;
    assertEquals(3 + warmUps, seen.size());
    for (int i = 0; i < warmUps; i++) {
      assertEquals(4, seen.get(i).width());
      assertEquals(2, seen.get(i).height());
    }
    assertEquals(3, result.framesOut(), "warm-up passes are not output");
    assertEquals(List.of(0L, 1L, 2L), sink.frames.stream().map(Frame::index).toList());
  }
}
