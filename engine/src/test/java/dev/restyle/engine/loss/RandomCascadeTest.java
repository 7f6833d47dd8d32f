package dev.restyle.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code random-cascade} loss network: the random pyramid whose levels feed each other. */
class RandomCascadeTest {
  private static final RandomPyramidSpec PLAIN =
      new RandomPyramidSpec(3, new int[] {3, 5}, 8, 2, 1, 0, 7, false);

  @Test
  void coarseLevelsSeeFineDetailThatTheImagePyramidBlursAway() {
    // A one-pixel checkerboard is what the binomial blur removes completely: the plain pyramid's
    // coarse levels do not see it, the cascade's see it through the rectified fine-level features
    // (how strokes are arranged, not only the blurred colours).
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        RandomPyramidLossNetwork plain = new RandomPyramidLossNetwork(PLAIN, Device.cpu());
        RandomPyramidLossNetwork cascade =
            new RandomPyramidLossNetwork(PLAIN.withCascade(true), Device.cpu())) {
      NDArray flat = manager.full(new Shape(1, 3, 32, 32), 128f);
      float[] checker = new float[3 * 32 * 32];
      for (int i = 0; i < checker.length; i++) {
        int y = (i / 32) % 32;
        int x = i % 32;
        checker[i] = (x + y) % 2 == 0 ? 88f : 168f;
      }
      NDArray fine = manager.create(checker, new Shape(1, 3, 32, 32));
      // Level 2 (8x8) features, away from the reflected borders.
      double plainChange = change(plain, flat, fine, 4);
      double cascadeChange = change(cascade, flat, fine, 4);
      assertTrue(plainChange < 1e-3, "plain pyramid, level 2: " + plainChange);
      assertTrue(cascadeChange > 1e-2, "cascade, level 2: " + cascadeChange);
    }
  }

  /** Relative change of style layer {@code layer}'s interior between two images. */
  private static double change(LossNetwork network, NDArray a, NDArray b, int layer) {
    NDArray fa = network.extract(a).style().get(layer).get(":, :, 2:-2, 2:-2");
    NDArray fb = network.extract(b).style().get(layer).get(":, :, 2:-2, 2:-2");
    return fa.sub(fb).square().mean().getFloat() / (fa.square().mean().getFloat() + 1e-12);
  }

  @Test
  void theFinestLevelAndTheContentAreThePlainPyramids() {
    // The cascade's filters are drawn after the plain ones: level 0 and the content branch are
    // the same network, so only the coarse levels differ.
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        RandomPyramidLossNetwork plain = new RandomPyramidLossNetwork(PLAIN, Device.cpu());
        RandomPyramidLossNetwork cascade =
            new RandomPyramidLossNetwork(PLAIN.withCascade(true), Device.cpu())) {
      NDArray image = manager.randomUniform(0, 255, new Shape(2, 3, 24, 40));
      LossNetwork.Features p = plain.extract(image);
      LossNetwork.Features c = cascade.extract(image);
      assertEquals(p.style().size(), c.style().size());
      for (int layer = 0; layer < 2; layer++) {
        assertEquals(0, p.style().get(layer).sub(c.style().get(layer)).abs().max().getFloat());
      }
      assertEquals(0, p.content().get(0).sub(c.content().get(0)).abs().max().getFloat());
      List<Long> heights = c.style().stream().map(f -> f.getShape().get(2)).toList();
      assertEquals(List.of(24L, 24L, 12L, 12L, 6L, 6L), heights);
      assertTrue(p.style().get(2).sub(c.style().get(2)).abs().max().getFloat() > 0);
    }
  }

  @Test
  void theCascadeHasItsOwnName() throws Exception {
    try (LossNetwork network =
        LossNetworks.create(LossNetworks.RANDOM_CASCADE, null, Device.cpu())) {
      assertEquals("random-cascade", network.name());
    }
  }
}
