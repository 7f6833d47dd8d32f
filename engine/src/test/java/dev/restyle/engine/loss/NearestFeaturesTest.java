package dev.restyle.engine.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NearestFeaturesTest {
  private NDManager manager;

  @BeforeEach
  void openManager() {
    manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /** Style features (1, 2, 1, 3): pixels (4, 0), (0, 4) and (4, 4). */
  private NDArray style() {
    return manager.create(new float[] {4, 0, 4, 0, 4, 4}, new Shape(1, 2, 1, 3));
  }

  @Test
  void pixelsRearrangedFromTheStyleAreAtDistanceZero() {
    try (NearestFeatures nearest = new NearestFeatures(List.of(style()), manager)) {
      NDArray shuffled =
          manager.create(new float[] {4, 4, 0, 4, 4, 0, 4, 0}, new Shape(1, 2, 2, 2));
      assertEquals(0, nearest.distance(0, shuffled).getFloat(), 1e-9);
    }
  }

  @Test
  void eachPixelIsPairedByDirectionFromTheStyleMean() {
    try (NearestFeatures nearest = new NearestFeatures(List.of(style()), manager)) {
      // Centred on the style's mean (8/3, 8/3): (5, 1) points like the style pixel (4, 0), at
      // squared distance 1 + 1; (1, 7) like (0, 4), at 1 + 9. Mean over 2
      // channels and 2 pixels: 12 / 4.
      NDArray generated = manager.create(new float[] {5, 1, 1, 7}, new Shape(1, 2, 1, 2));
      assertEquals(3, nearest.distance(0, generated).getFloat(), 1e-5);
    }
  }

  @Test
  void theGradientPullsEveryPixelTowardsItsPartnerOnly() {
    try (NearestFeatures nearest = new NearestFeatures(List.of(style()), manager);
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray generated = manager.create(new float[] {5, 1, 1, 7}, new Shape(1, 2, 1, 2));
      generated.setRequiresGradient(true);
      collector.backward(nearest.distance(0, generated));
      // d/dx mean((x - t)^2) = 2 (x - t) / 4, with partners (4, 0) and (0, 4) by channel rows
      assertArrayEquals(
          new float[] {0.5f, 0.5f, 0.5f, 1.5f}, generated.getGradient().toFloatArray(), 1e-5f);
    }
  }
}
