package dev.restyle.cli;

import dev.restyle.engine.loss.RandomPyramidSpec;
import picocli.CommandLine.Option;

/** Options that reshape the random pyramid loss network (for experiments with optimize). */
final class PyramidOptions {
  @Option(names = "--pyramid-levels", description = "random pyramid: levels (default 5)")
  Integer levels;

  @Option(
      names = "--pyramid-kernels",
      split = ",",
      description = "random pyramid: filter sizes (default 3,5)")
  int[] kernels;

  @Option(
      names = "--pyramid-maps",
      description = "random pyramid: maps per filter size (default 64)")
  Integer maps;

  @Option(names = "--pyramid-depth", description = "random pyramid: layers per branch (default 2)")
  Integer depth;

  @Option(
      names = "--pyramid-deep-from",
      description = "random pyramid: first level with deep branches (default 2)")
  Integer deepFrom;

  RandomPyramidSpec spec() {
    RandomPyramidSpec d = RandomPyramidSpec.DEFAULT;
    return new RandomPyramidSpec(
        levels == null ? d.levels() : levels,
        kernels == null ? d.kernels() : kernels,
        maps == null ? d.maps() : maps,
        depth == null ? d.depth() : depth,
        deepFrom == null ? d.deepFromLevel() : deepFrom,
        d.contentLevel(),
        d.seed(),
        false);
  }
}
