package dev.restyle.ingest.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.metrics.PipelineMetrics;
import dev.restyle.ingest.sink.FrameSink;
import dev.restyle.ingest.source.FrameSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A live pipeline whose network is slower than its source drops the oldest frames and counts them.
 */
class DropOldestTest {
  private static final int FRAMES = 200;

  /** Frames every 2 ms, like a camera far faster than the network. */
  private static final class FastSource implements FrameSource {
    private final StreamInfo info =
        new StreamInfo("fast", 4, 2, 500, -1, -1, "raw", Optional.empty(), 0);
    private int next;

    @Override
    public StreamInfo info() {
      return info;
    }

    @Override
    public Frame read() {
      if (next == FRAMES) {
        return null;
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      int i = next++;
      return new Frame("fast", i, i * 2000L, 4, 2, new byte[24], System.nanoTime());
    }

    @Override
    public long decodeErrors() {
      return 0;
    }

    @Override
    public void close() {}
  }

  private static final class ListSink implements FrameSink {
    final List<Frame> frames = new ArrayList<>();

    @Override
    public void write(Frame frame) {
      frames.add(frame);
    }

    @Override
    public void finish() {}

    @Override
    public void close() {}
  }

  @Test
  void dropsTheOldestAndCountsEveryDrop() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ListSink sink = new ListSink();
    PipelineResult result =
        Pipeline.builder(
                new FastSource(),
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
