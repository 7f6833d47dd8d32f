package dev.restyle.cli;

import ai.djl.Device;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.RandomPyramidSpec;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options that choose a loss network, shared by optimize and train. */
final class LossNetworkOptions {
  @Option(
      names = "--loss-network",
      description = "random-pyramid (no download, default) or vgg16 (torchvision's ImageNet weights)")
  String lossNetwork;

  @Option(names = "--vgg-weights", description = "path of vgg16-397923af.pth (default: the torch cache)")
  Path vggWeights;

  @Option(names = "--pyramid-levels", description = "random pyramid: levels (default 5)")
  Integer levels;

  @Option(names = "--pyramid-kernels", split = ",", description = "random pyramid: filter sizes (default 3,5)")
  int[] kernels;

  @Option(names = "--pyramid-maps", description = "random pyramid: maps per filter size (default 64)")
  Integer maps;

  @Option(names = "--pyramid-depth", description = "random pyramid: layers per branch (default 2)")
  Integer depth;

  @Option(names = "--pyramid-deep-from", description = "random pyramid: first level with deep branches (default 2)")
  Integer deepFrom;

  String name() {
    return lossNetwork == null ? LossNetworks.RANDOM_PYRAMID : lossNetwork;
  }

  RandomPyramidSpec pyramid() {
    RandomPyramidSpec d = RandomPyramidSpec.DEFAULT;
    return new RandomPyramidSpec(
        levels == null ? d.levels() : levels,
        kernels == null ? d.kernels() : kernels,
        maps == null ? d.maps() : maps,
        depth == null ? d.depth() : depth,
        deepFrom == null ? d.deepFromLevel() : deepFrom,
        d.contentLevel(),
        d.seed());
  }

  LossNetwork create(Device device) throws IOException {
    return LossNetworks.create(name(), vggWeights, pyramid(), device);
  }
}
