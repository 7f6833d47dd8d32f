package dev.restyle.engine;

import ai.djl.Device;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Style networks for tests. */
public final class TestNetworks {
  private TestNetworks() {}

  /**
   * A randomly initialised network whose output bias is zero: the network works on [-0.5, 0.5], so
   * its output is centred on mid-grey and little of it is clipped.
   */
  public static StyleNetwork midGrey(Architecture architecture, long seed) {
    try (StyleNetwork random = StyleNetwork.initialise(architecture, Device.cpu(), seed)) {
      Map<String, Tensor> weights = new LinkedHashMap<>(random.weights());
      weights.put("out.bias", new Tensor(new long[] {3}, new float[] {0, 0, 0}));
      return StyleNetwork.fromWeights(architecture, weights, Device.cpu());
    }
  }
}
