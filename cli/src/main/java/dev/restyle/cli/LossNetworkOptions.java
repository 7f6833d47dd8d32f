package dev.restyle.cli;

import ai.djl.Device;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.RandomPyramidSpec;
import dev.restyle.engine.loss.StyleLoss;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options that choose a loss network, shared by optimize and train. */
final class LossNetworkOptions {
  @Option(
      names = "--loss-network",
      description =
          "random-pyramid (no download, default), random-cascade (no download; its levels feed"
              + " each other, so coarse ones see how strokes are arranged) or vgg16 (torchvision's"
              + " ImageNet weights)")
  String lossNetwork;

  @Option(
      names = "--vgg-weights",
      description = "path of vgg16-397923af.pth (default: the torch cache)")
  Path vggWeights;

  @Option(
      names = "--style-loss",
      description =
          "how style is compared: sliced-wasserstein (whole feature distributions, default),"
              + " gram (centred Gram matrices and means) or mrf (sliced Wasserstein plus"
              + " nearest-neighbour matching of the coarser layers)")
  String styleLoss;

  StyleLoss styleLoss() {
    return styleLoss == null ? StyleLoss.SLICED_WASSERSTEIN : StyleLoss.parse(styleLoss);
  }

  String name() {
    return lossNetwork == null ? LossNetworks.RANDOM_PYRAMID : lossNetwork;
  }

  /** The chosen loss network; the random pyramid's shape comes from {@code pyramid}. */
  LossNetwork create(Device device, RandomPyramidSpec pyramid) throws IOException {
    return LossNetworks.create(name(), vggWeights, pyramid, device);
  }
}
