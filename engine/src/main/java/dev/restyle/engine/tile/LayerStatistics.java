package dev.restyle.engine.tile;

import java.util.Arrays;

/**
 * One normalisation layer's statistics: the mean and the biased variance of each channel.
 *
 * @param mean per channel
 * @param variance per channel, biased (divided by the count, as instance normalisation does)
 */
public record LayerStatistics(float[] mean, float[] variance) {
  public LayerStatistics {
    if (mean.length != variance.length || mean.length == 0) {
      throw new IllegalArgumentException(
          "need one mean and one variance per channel, got "
              + mean.length
              + " and "
              + variance.length);
    }
    mean = mean.clone();
    variance = variance.clone();
  }

  public int channels() {
    return mean.length;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] variance() {
    return variance.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerStatistics s
        && Arrays.equals(mean, s.mean)
        && Arrays.equals(variance, s.variance);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(variance);
  }

  @Override
  public String toString() {
    return "LayerStatistics[" + mean.length + " channels]";
  }
}
