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

  /** Whether the network was trained on images (ImageNet), not drawn at random. */
  public static boolean pretrained(String name) {
    return name.equals(INCEPTION_V3) || name.equals(VGG16);
  }

  /**
   * The style loss that suits a loss network: Gram matrices for the ImageNet-trained ones, the
   * sliced Wasserstein distance for the random ones (whose Gram matrices are matched by palette and
   * fine strokes alone).
   */
  public static StyleLoss defaultStyleLoss(String name) {
    return pretrained(name) ? StyleLoss.PLAIN_GRAM : StyleLoss.SLICED_WASSERSTEIN;
  }

  /**
   * The loss weights a training run starts from with this loss network (content, style, total
   * variation): the random networks' style errors are small and need a lighter balance than the
   * ImageNet networks' Gram matrices.
   */
  public static LossWeights trainingWeights(String name) {
    return pretrained(name) ? new LossWeights(1, 10, 10) : new LossWeights(1, 4, 1);
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
      case INCEPTION_V3 ->
          InceptionLossNetwork.cached(
              inception == null ? InceptionLossNetwork.Layers.DEFAULT : inception, device);
      default ->
          throw new IllegalArgumentException(
              "unknown loss network '" + name + "'; choose one of " + NAMES);
    };
  }
}
