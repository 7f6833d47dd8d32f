package dev.restyle.engine.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class StyleNetworkTest {

  @Test
  void fullNetworkHasJohnsonsParameterCount() {
    long count =
        Architecture.JOHNSON.parameters().stream()
            .mapToLong(s -> java.util.Arrays.stream(s.shape()).reduce(1, (a, b) -> a * b))
            .sum();
    // Johnson et al.'s network with instance-norm affine parameters: 1,679,235 values.
    assertEquals(1_679_235, count);
  }

  @Test
  void outputMatchesInputShape() {
    try (StyleNetwork net = StyleNetwork.initialise(new Architecture(0.25, 2), Device.cpu(), 1);
        NDManager m = NDManager.newBaseManager()) {
      NDArray out = net.forward(m.randomUniform(0, 255, new Shape(2, 3, 36, 20)));
      assertEquals(new Shape(2, 3, 36, 20), out.getShape());
    }
  }

  @Test
  void refusesSidesThatAreNotMultiplesOfFour() {
    try (StyleNetwork net = StyleNetwork.initialise(new Architecture(0.25, 1), Device.cpu(), 1);
        NDManager m = NDManager.newBaseManager()) {
      assertThrows(
          IllegalArgumentException.class, () -> net.forward(m.zeros(new Shape(1, 3, 30, 30))));
    }
  }

  @Test
  void gradientsReachEveryParameter() {
    try (StyleNetwork net = StyleNetwork.initialise(new Architecture(0.25, 1), Device.cpu(), 3);
        NDManager m = NDManager.newBaseManager()) {
      net.parameters().values().forEach(p -> p.setRequiresGradient(true));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out = net.forward(m.randomUniform(0, 255, new Shape(1, 3, 24, 28)));
        gc.backward(out.square().mean());
      }
      for (var e : net.parameters().entrySet()) {
        float norm = e.getValue().getGradient().abs().sum().getFloat();
        assertTrue(norm > 0, "no gradient reached " + e.getKey());
      }
    }
  }

  @Test
  void sameSeedSameWeights() {
    try (StyleNetwork a = StyleNetwork.initialise(new Architecture(0.25, 1), Device.cpu(), 7);
        StyleNetwork b = StyleNetwork.initialise(new Architecture(0.25, 1), Device.cpu(), 7)) {
      assertArrayEquals(
          a.weights().get("conv1.weight").data(), b.weights().get("conv1.weight").data());
    }
  }

  @Test
  void fastNetworksKeepTheInputSizeAndLearnEveryParameter() {
    for (NetworkPreset preset : java.util.List.of(NetworkPreset.FAST, NetworkPreset.FASTER)) {
      try (StyleNetwork net = StyleNetwork.initialise(preset.architecture(), Device.cpu(), 5);
          NDManager m = NDManager.newBaseManager()) {
        net.parameters().values().forEach(p -> p.setRequiresGradient(true));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray out = net.forward(m.randomUniform(0, 255, new Shape(2, 3, 40, 64)));
          assertEquals(new Shape(2, 3, 40, 64), out.getShape());
          gc.backward(out.square().mean());
        }
        for (var e : net.parameters().entrySet()) {
          float norm = e.getValue().getGradient().abs().sum().getFloat();
          assertTrue(norm > 0, preset + ": no gradient reached " + e.getKey());
        }
      }
    }
  }

  @Test
  void downscalingNetworksNeedSidesOfEightAndAtLeast32() {
    try (StyleNetwork net =
            StyleNetwork.initialise(NetworkPreset.FAST.architecture(), Device.cpu(), 1);
        NDManager m = NDManager.newBaseManager()) {
      assertThrows(
          IllegalArgumentException.class, () -> net.forward(m.zeros(new Shape(1, 3, 36, 64))));
      assertThrows(
          IllegalArgumentException.class, () -> net.forward(m.zeros(new Shape(1, 3, 24, 64))));
    }
  }

  @Test
  void forwardLeavesTheInputUsable() {
    // forward frees its intermediates as it goes; the caller's input must survive it
    try (StyleNetwork net = StyleNetwork.initialise(new Architecture(0.25, 1), Device.cpu(), 1);
        NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(0, 255, new Shape(1, 3, 16, 16));
      float[] before = x.toFloatArray();
      net.forward(x);
      assertArrayEquals(before, x.toFloatArray());
      assertArrayEquals(net.forward(x).toFloatArray(), net.forward(x).toFloatArray());
    }
  }
}
