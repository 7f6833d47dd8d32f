package dev.restyle.engine.loss;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Builds a loss network by name: what configs and command lines refer to. */
public final class LossNetworks {
  public static final String RANDOM_PYRAMID = "random-pyramid";
  public static final String RANDOM_CASCADE = "random-cascade";
  public static final String VGG16 = "vgg16";
  public static final List<String> NAMES = List.of(RANDOM_PYRAMID, RANDOM_CASCADE, VGG16);

  private LossNetworks() {}

  /**
   * @param name {@link #RANDOM_PYRAMID} or {@link #VGG16}
   * @param vggWeights explicit VGG-16 weights file, or null to look in the caches
   * @param device where the network runs
   */
  public static LossNetwork create(String name, Path vggWeights, Device device) throws IOException {
    return create(name, vggWeights, RandomPyramidSpec.DEFAULT, device);
  }

  /** As {@link #create(String, Path, Device)}, with a non-default random pyramid. */
  public static LossNetwork create(
      String name, Path vggWeights, RandomPyramidSpec pyramid, Device device) throws IOException {
    return switch (name) {
      case RANDOM_PYRAMID -> new RandomPyramidLossNetwork(pyramid, device);
      case RANDOM_CASCADE -> new RandomPyramidLossNetwork(pyramid.withCascade(true), device);
      case VGG16 -> Vgg16LossNetwork.official(vggWeights, device);
      default ->
          throw new IllegalArgumentException(
              "unknown loss network '" + name + "'; choose one of " + NAMES);
    };
  }
}
