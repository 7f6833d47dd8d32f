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
 */
public record RandomPyramidSpec(
    int levels,
    int[] kernels,
    int maps,
    int depth,
    int deepFromLevel,
    int contentLevel,
    long seed) {

  /** The default: measured in docs/loss-networks.md. */
  public static final RandomPyramidSpec DEFAULT =
      new RandomPyramidSpec(5, new int[] {3, 5}, 64, 2, 2, 1, 20170524L);

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
        && seed == s.seed;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(kernels) * 31 + Long.hashCode(seed) + levels * 7 + maps + depth;
  }

  @Override
  public String toString() {
    return "levels=%d kernels=%s maps=%d depth=%d deepFromLevel=%d contentLevel=%d seed=%d"
        .formatted(
            levels, Arrays.toString(kernels), maps, depth, deepFromLevel, contentLevel, seed);
  }
}
