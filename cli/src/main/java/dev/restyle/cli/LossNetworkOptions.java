package dev.restyle.cli;

import ai.djl.Device;
import dev.restyle.engine.loss.InceptionLossNetwork;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.RandomPyramidSpec;
import dev.restyle.engine.loss.StyleLoss;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options that choose a loss network, shared by optimize and train. */
final class LossNetworkOptions {
  @Option(
      names = "--loss-network",
      description =
          "inception-v3 (ImageNet-trained; the default once `restyle weights fetch inception-v3`"
              + " has cached it), vgg16 (torchvision's ImageNet weights), random-pyramid (no"
              + " download; the default without inception-v3) or random-cascade (no download)")
  String lossNetwork;

  @Option(
      names = "--vgg-weights",
      description = "path of vgg16-397923af.pth (default: the torch cache)")
  Path vggWeights;

  @Option(
      names = "--style-loss",
      description =
          "how style is compared: plain-gram (Gram matrices, the default with inception-v3 and"
              + " vgg16), sliced-wasserstein (whole feature distributions, the default with the"
              + " random networks), gram (centred Gram matrices and means) or mrf (sliced"
              + " Wasserstein plus nearest-neighbour matching of the coarser layers)")
  String styleLoss;

  @Mixin InceptionOptions inception;

  StyleLoss styleLoss() {
    return styleLoss == null ? LossNetworks.defaultStyleLoss(name()) : StyleLoss.parse(styleLoss);
  }

  String name() {
    return lossNetwork == null ? LossNetworks.defaultName() : lossNetwork;
  }

  /** The chosen loss network; the random pyramid's shape comes from {@code pyramid}. */
  LossNetwork create(Device device, RandomPyramidSpec pyramid) throws IOException {
    return LossNetworks.create(
        name(), vggWeights, pyramid, inception.layers(InceptionLossNetwork.Layers.DEFAULT), device);
  }
}
