package dev.restyle.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.serve.inference.InferenceQueue;
import dev.restyle.serve.inference.QueueFullException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared batched inference stage with a tiny random network. */
class InferenceQueueTest {
  static StyleNetwork network;
  static BatchStylizer stylizer;

  @BeforeAll
  static void network() {
    network = StyleNetwork.initialise(new Architecture(0.25, 1), Device.cpu(), 7);
    stylizer = new BatchStylizer(new Stylizer(network));
  }

  @AfterAll
  static void close() {
    network.close();
  }

  private static byte[] image(int w, int h, long seed) {
    byte[] rgb = new byte[w * h * 3];
    new Random(seed).nextBytes(rgb);
    return rgb;
  }

  @Test
  void batchesByStyleOptionsAndSizeAndMatchesOneByOne() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StyleOptions half = new StyleOptions(0.5f, false);
    try (InferenceQueue queue = new InferenceQueue(4, Duration.ofMillis(500), 16, registry)) {
      List<CompletableFuture<byte[]>> a = new ArrayList<>();
      List<byte[]> inputs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        inputs.add(image(20, 16, i));
        a.add(queue.submit(stylizer, inputs.get(i), 20, 16, StyleOptions.DEFAULT));
      }
      CompletableFuture<byte[]> otherOptions =
          queue.submit(stylizer, image(20, 16, 9), 20, 16, half);
      CompletableFuture<byte[]> otherSize = queue.submit(stylizer, image(24, 16, 9), 24, 16, half);
      for (int i = 0; i < 3; i++) {
        byte[] alone =
            stylizer.stylize(List.of(inputs.get(i)), 20, 16, StyleOptions.DEFAULT).getFirst();
        byte[] batched = a.get(i).get();
        int off = 0;
        for (int k = 0; k < alone.length; k++) {
          off = Math.max(off, Math.abs((alone[k] & 255) - (batched[k] & 255)));
        }
        assertTrue(off <= 1, "batched result differs from the image alone by " + off);
      }
      assertEquals(20 * 16 * 3, otherOptions.get().length);
      assertEquals(24 * 16 * 3, otherSize.get().length);
      var sizes = registry.get(InferenceQueue.BATCH_SIZE).summary();
      assertEquals(3, sizes.count(), "three keys, three passes");
      assertEquals(3.0, sizes.max());
    }
  }

  @Test
  void fullQueueRefusesAndClosingCancelsWaiting() throws Exception {
    InferenceQueue queue =
        new InferenceQueue(8, Duration.ofSeconds(2), 2, new SimpleMeterRegistry());
    // the worker takes the first image and waits up to 2 s for more of its kind
    CompletableFuture<byte[]> first =
        queue.submit(stylizer, image(16, 16, 1), 16, 16, StyleOptions.DEFAULT);
    StyleOptions other = new StyleOptions(0.3f, true);
    Thread.sleep(100);
    CompletableFuture<byte[]> second = queue.submit(stylizer, image(16, 16, 2), 16, 16, other);
    CompletableFuture<byte[]> third = queue.submit(stylizer, image(16, 16, 3), 16, 16, other);
    assertThrows(
        QueueFullException.class, () -> queue.submit(stylizer, image(16, 16, 4), 16, 16, other));
    // pipelines are never refused
    CompletableFuture<byte[]> pipeline =
        queue.submitUnbounded(stylizer, image(16, 16, 5), 16, 16, other);
    assertThrows(
        IllegalArgumentException.class, () -> queue.submit(stylizer, new byte[10], 16, 16, other));
    queue.close();
    for (CompletableFuture<byte[]> f : List.of(first, second, third, pipeline)) {
      Object outcome = f.handle((rgb, e) -> e != null ? e : rgb.length).get();
      assertTrue(
          outcome.equals(16 * 16 * 3) || outcome instanceof CancellationException,
          "neither a result nor a cancellation: " + outcome);
    }
    assertTrue(second.isCompletedExceptionally(), "images still queued at close are cancelled");
    assertTrue(!queue.isRunning());
    assertThrows(
        IllegalStateException.class, () -> queue.submit(stylizer, image(16, 16, 6), 16, 16, other));
  }
}
