package dev.restyle.ingest.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.frame.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BatcherTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private static Frame frame(long index, int width, int height) {
    return new Frame("t", index, index * 40_000, width, height, new byte[width * height * 3], 0);
  }

  /** Runs the batcher over frames queued up front and returns the batches, as frame indices. */
  private static List<List<Long>> batches(Batcher batcher, List<Frame> frames) throws Exception {
    Channel<Frame> in = new Channel<>("in", frames.size() + 1);
    Channel<List<Frame>> out = new Channel<>("out", frames.size() + 1);
    for (Frame f : frames) {
      in.put(f);
    }
    in.close();
    batcher.run(in, out);
    out.close();
    List<List<Long>> result = new ArrayList<>();
    List<Frame> batch;
    while ((batch = out.take()) != null) {
      result.add(batch.stream().map(Frame::index).toList());
    }
    return result;
  }

  @Test
  void fillsBatchesUpToTheMaximumInOrder() throws Exception {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      frames.add(frame(i, 4, 4));
    }
    assertEquals(
        List.of(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L), List.of(8L, 9L)),
        batches(new Batcher(4, Duration.ofSeconds(5)), frames));
  }

  @Test
  void aNewResolutionStartsANewBatch() throws Exception {
    List<Frame> frames =
        List.of(
            frame(0, 4, 4),
            frame(1, 4, 4),
            frame(2, 8, 4),
            frame(3, 8, 4),
            frame(4, 8, 4),
            frame(5, 4, 4));
    assertEquals(
        List.of(List.of(0L, 1L), List.of(2L, 3L, 4L), List.of(5L)),
        batches(new Batcher(4, Duration.ofSeconds(5)), frames));
  }

  @Test
  void aBatchLeavesWhenItsWaitIsOver() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Channel<Frame> in = new Channel<>("in", 8);
          Channel<List<Frame>> out = new Channel<>("out", 8);
          CompletableFuture<Void> run =
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      new Batcher(4, Duration.ofMillis(50)).run(in, out);
                      out.close();
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  });
          in.put(frame(0, 4, 4));
          long start = System.nanoTime();
          List<Frame> first = out.take(); // must not wait for three more frames
          long waitedMillis = (System.nanoTime() - start) / 1_000_000;
          assertEquals(1, first.size());
          assertTrue(waitedMillis < 2_000, "waited " + waitedMillis + " ms");
          in.put(frame(1, 4, 4));
          in.put(frame(2, 4, 4));
          in.close();
          List<Frame> second = out.take();
          assertEquals(List.of(1L, 2L), second.stream().map(Frame::index).toList());
          run.join();
          assertEquals(null, out.take());
        });
  }
}
