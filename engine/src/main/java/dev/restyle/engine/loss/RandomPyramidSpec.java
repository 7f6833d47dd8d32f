package dev.restyle.engine.loss;

import java.util.Arrays;

/**
 * Shape of a {@link RandomPyramidLossNetwork}.
 *
 * @param levels pyramid levels (level l sees the image at 1/2^l of its size)
 * @param kernels filter sizes applied at every level
 * @param maps feature maps per filter size
 * @param depth random conv layers stacked per branch (1: a single layer as in Ustyuzhaninov et al.;
 *     2: a 3x3 layer first, then the branch's kernel)
 * @param deepFromLevel first pyramid level that uses {@code depth} layers; finer levels use one
 *     (deep stacks at full resolution cost much and add little there)
 * @param contentLevel pyramid level whose features define content
 * @param seed seed of the random filters (the network is a pure function of this record)
 * @param cascade whether each level's branches also see the previous level's rectified features,
 *     blurred and halved (a random hierarchy, like the stages of VGG), not only the image at that
 *     level: coarse levels then measure how fine strokes are arranged, not just blurred colour
 */
public record RandomPyramidSpec(
    int levels,
    int[] kernels,
    int maps,
    int depth,
    int deepFromLevel,
    int contentLevel,
    long seed,
    boolean cascade) {

  /** The default: measured in docs/loss-networks.md. */
  public static final RandomPyramidSpec DEFAULT =
      new RandomPyramidSpec(5, new int[] {3, 5}, 64, 2, 2, 1, 20170524L, false);

  public RandomPyramidSpec {
    if (levels < 1 || levels > 8) {
      throw new IllegalArgumentException("levels must be between 1 and 8, got " + levels);
    }
    if (kernels.length == 0 || Arrays.stream(kernels).anyMatch(k -> k < 1 || k % 2 == 0)) {
      throw new IllegalArgumentException(
          "kernels must be odd and positive, got " + Arrays.toString(kernels));
    }
    if (maps < 1 || depth < 1 || depth > 4) {
      throw new IllegalArgumentException("maps must be positive and depth between 1 and 4");
    }
    if (contentLevel < 0 || contentLevel >= levels) {
      throw new IllegalArgumentException("contentLevel must be a pyramid level");
    }
    kernels = kernels.clone();
  }

  /** This shape with or without {@link #cascade}. */
  public RandomPyramidSpec withCascade(boolean on) {
    return new RandomPyramidSpec(
        levels, kernels, maps, depth, deepFromLevel, contentLevel, seed, on);
  }

  @Override
  public int[] kernels() {
    return kernels.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RandomPyramidSpec s
        && levels == s.levels
        && Arrays.equals(kernels, s.kernels)
        && maps == s.maps
        && depth == s.depth
        && deepFromLevel == s.deepFromLevel
        && contentLevel == s.contentLevel
        && seed == s.seed
        && cascade == s.cascade;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(kernels) * 31
        + Long.hashCode(seed)
        + levels * 7
        + maps
        + depth
        + (cascade ? 1 : 0);
  }

  @Override
  public String toString() {
    return "levels=%d kernels=%s maps=%d depth=%d deepFromLevel=%d contentLevel=%d seed=%d cascade=%b"
        .formatted(
            levels,
            Arrays.toString(kernels),
            maps,
            depth,
            deepFromLevel,
            contentLevel,
            seed,
            cascade);
  }
}
