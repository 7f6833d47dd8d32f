package dev.restyle.engine.loss;

import ai.djl.Device;
import dev.restyle.engine.weights.InceptionV3Weights;
import dev.restyle.engine.weights.WeightsResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Builds a loss network by name: what configs and command lines refer to. */
public final class LossNetworks {
  public static final String RANDOM_PYRAMID = "random-pyramid";
  public static final String RANDOM_CASCADE = "random-cascade";
  public static final String VGG16 = "vgg16";
  public static final String INCEPTION_V3 = InceptionV3Weights.NAME;
  public static final List<String> NAMES =
      List.of(INCEPTION_V3, VGG16, RANDOM_PYRAMID, RANDOM_CASCADE);

  private LossNetworks() {}

  /**
   * The loss network to use when none is named: {@link #INCEPTION_V3} once its weights are in the
   * cache ({@code restyle weights fetch inception-v3}), else {@link #RANDOM_PYRAMID}, which needs
   * no download.
   */
  public static String defaultName() {
    return WeightsResolver.standard().cached(InceptionV3Weights.CONVERTED) != null
        ? INCEPTION_V3
        : RANDOM_PYRAMID;
  }

  /**
   * @param name one of {@link #NAMES}
   * @param vggWeights explicit VGG-16 weights file, or null to look in the caches
   * @param device where the network runs
   */
  public static LossNetwork create(String name, Path vggWeights, Device device) throws IOException {
    return create(
        name, vggWeights, RandomPyramidSpec.DEFAULT, InceptionLossNetwork.Layers.DEFAULT, device);
  }

  /** As {@link #create(String, Path, Device)}, with a non-default random pyramid. */
  public static LossNetwork create(
      String name, Path vggWeights, RandomPyramidSpec pyramid, Device device) throws IOException {
    return create(name, vggWeights, pyramid, InceptionLossNetwork.Layers.DEFAULT, device);
  }

  /** As {@link #create(String, Path, Device)}, with a non-default pyramid or Inception layers. */
  public static LossNetwork create(
      String name,
      Path vggWeights,
      RandomPyramidSpec pyramid,
      InceptionLossNetwork.Layers inception,
      Device device)
      throws IOException {
    return switch (name) {
      case RANDOM_PYRAMID -> new RandomPyramidLossNetwork(pyramid, device);
      case RANDOM_CASCADE -> new RandomPyramidLossNetwork(pyramid.withCascade(true), device);
      case VGG16 -> Vgg16LossNetwork.official(vggWeights, device);
      case INCEPTION_V3 -> InceptionLossNetwork.cached(inception, device);
      default ->
          throw new IllegalArgumentException(
              "unknown loss network '" + name + "'; choose one of " + NAMES);
    };
  }
}
