package dev.restyle.ingest;

import ai.djl.Device;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small style networks for pipeline tests. */
public final class TestNetworks {
  private TestNetworks() {}

  /**
   * A random network whose last layer is scaled down: its output varies smoothly, like a trained
   * style's, instead of being full-contrast noise that a lossy encoder cannot keep.
   */
  public static StyleNetwork gentleRandom(long seed) {
    Architecture architecture = new Architecture(0.25, 1);
    try (StyleNetwork random = StyleNetwork.initialise(architecture, Device.cpu(), seed)) {
      Map<String, Tensor> weights = new LinkedHashMap<>(random.weights());
      float[] out = weights.get("out.weight").data().clone();
      for (int i = 0; i < out.length; i++) {
        out[i] *= 0.3f;
      }
      weights.put("out.weight", new Tensor(weights.get("out.weight").shape(), out));
      return StyleNetwork.fromWeights(architecture, weights, Device.cpu());
    }
  }
}
