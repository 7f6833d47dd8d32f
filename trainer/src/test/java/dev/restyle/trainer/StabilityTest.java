package dev.restyle.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import org.junit.jupiter.api.Test;

class StabilityTest {
  private static final Architecture TINY = new Architecture(0.25, 1);

  private static float term(StepLoss.Stability stability, NDArray batch, long step) {
    try (StyleNetwork network = StyleNetwork.initialise(TINY, Device.cpu(), 3)) {
      return stability.term(network, batch, network.forward(batch), step).getFloat();
    }
  }

  @Test
  void aUniformPictureMovedWithoutNoiseCostsNothing() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray grey = manager.full(new Shape(2, 3, 48, 48), 120f);
      assertEquals(0f, term(new StepLoss.Stability(100, 0, 1), grey, 5), 1e-9f);
    }
  }

  @Test
  void motionAndNoiseOnATexturedPictureCostSomethingInProportionToTheWeight() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray texture = manager.randomUniform(0f, 255f, new Shape(2, 3, 48, 48));
      float light = term(new StepLoss.Stability(1, 1), texture, 5);
      float heavy = term(new StepLoss.Stability(10, 1), texture, 5);
      assertTrue(light > 0 && Float.isFinite(light), "term " + light);
      assertEquals(10 * light, heavy, 1e-4f * heavy, "the same draw, ten times the weight");
    }
  }

  @Test
  void noiseAloneCostsSomethingOnAUniformPicture() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray grey = manager.full(new Shape(1, 3, 48, 48), 120f);
      assertTrue(term(new StepLoss.Stability(100, 4, 1), grey, 5) > 0);
    }
  }
}
