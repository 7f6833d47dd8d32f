package dev.restyle.ingest.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.inference.BatchProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several inference threads: frames still reach the sink in order, failures still stop the run. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PipelinePredictorsTest {
  private static final int FRAMES = 200;
  private static final byte TAG = 0x5a;

  /** Frames of two streams, interleaved: a0 b0 a1 b1 ... */
  private static SyntheticSource twoStreams() {
    return new SyntheticSource(
        "two", 25, FRAMES, i -> SyntheticSource.tiny(stream(i), i / 2, (i / 2) * 40_000L), 0);
  }

  private static String stream(int i) {
    return i % 2 == 0 ? "a" : "b";
  }

  private static void sleepUpTo(int millis) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(millis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void concurrentPredictorsKeepEveryFrameInOrder() throws Exception {
    Set<String> workers = ConcurrentHashMap.newKeySet();
    AtomicInteger busy = new AtomicInteger();
    AtomicInteger mostBusy = new AtomicInteger();
    BatchProcessor tagging =
        batch -> {
          workers.add(Thread.currentThread().getName());
          mostBusy.accumulateAndGet(busy.incrementAndGet(), Math::max);
          sleepUpTo(20);
          busy.decrementAndGet();
          List<Frame> out = new ArrayList<>();
          for (Frame f : batch) {
            byte[] pixels = f.rgb().clone();
            pixels[0] = TAG;
            out.add(f.withPixels(pixels));
          }
          return out;
        };
    ListSink sink = new ListSink();
    PipelineResult result =
        Pipeline.builder(twoStreams(), tagging, sink)
            .maxBatch(3)
            .maxWait(Duration.ofMillis(5))
            .predictors(3)
            .build()
            .run();

    assertEquals(FRAMES, result.framesIn());
    assertEquals(FRAMES, result.framesOut());
    assertEquals(FRAMES, sink.frames.size());
    assertTrue(sink.finished);
    for (int i = 0; i < FRAMES; i++) {
      Frame f = sink.frames.get(i);
      assertEquals(stream(i), f.streamId(), "frame " + i);
      assertEquals(i / 2, f.index(), "frame " + i);
      assertEquals(TAG, f.rgb()[0], "frame " + i + " was not processed");
    }
    assertTrue(workers.size() > 1, "only " + workers + " ran batches");
    assertTrue(mostBusy.get() > 1, "batches never overlapped");
  }

  @Test
  void zeroPredictorsAreRefused() {
    Pipeline.Builder builder = Pipeline.builder(twoStreams(), b -> b, new ListSink());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> builder.predictors(0));
    assertEquals("predictors (inference threads) must be at least 1, got 0", e.getMessage());
  }

  @Test
  void aFailingPredictorFailsTheRun() {
    AtomicInteger calls = new AtomicInteger();
    BatchProcessor failing =
        batch -> {
          sleepUpTo(5);
          if (calls.incrementAndGet() == 7) {
            throw new IllegalStateException("network broke");
          }
          return batch;
        };
    ListSink sink = new ListSink();
    Pipeline pipeline =
        Pipeline.builder(twoStreams(), failing, sink).maxBatch(2).predictors(3).build();
    PipelineException e = assertThrows(PipelineException.class, pipeline::run);
    assertTrue(e.stage().startsWith("inference-"), e.stage());
    assertEquals("network broke", e.getCause().getMessage());
    assertTrue(sink.frames.size() < FRAMES, "the run went on after the failure");
    assertTrue(!sink.finished, "a failed run must not finish its sink");
    for (int i = 0; i < sink.frames.size(); i++) {
      assertEquals(i / 2, sink.frames.get(i).index(), "frame " + i);
    }
  }
}
