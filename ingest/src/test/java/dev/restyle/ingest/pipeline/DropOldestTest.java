package dev.restyle.ingest.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.metrics.PipelineMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
}
