package dev.restyle.engine.tile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pools per-channel moments of many regions into those of their union, in double precision (Chan,
 * Golub and LeVeque's pairwise update: no cancellation of large sums of squares).
 *
 * <p>Not thread-safe.
 */
public final class StatisticsAccumulator {
  private final Map<String, Moments> layers = new LinkedHashMap<>();

  /** Running count, mean and sum of squared deviations of each channel of one layer. */
  private static final class Moments {
    final double[] mean;
    final double[] squares;
    double count;

    Moments(int channels) {
      mean = new double[channels];
      squares = new double[channels];
    }
  }

  /**
   * Adds a region's moments.
   *
   * @param layer the layer's name
   * @param mean the region's per-channel mean
   * @param variance the region's per-channel biased variance
   * @param count values per channel in the region
   */
  public void add(String layer, float[] mean, float[] variance, long count) {
    if (count <= 0) {
      return;
    }
    Moments m = layers.computeIfAbsent(layer, k -> new Moments(mean.length));
    if (m.mean.length != mean.length || variance.length != mean.length) {
      throw new IllegalArgumentException(
          "layer " + layer + " has " + m.mean.length + " channels, got " + mean.length);
    }
    double total = m.count + count;
    for (int c = 0; c < mean.length; c++) {
      double delta = mean[c] - m.mean[c];
      m.mean[c] += delta * count / total;
      m.squares[c] += (double) variance[c] * count + delta * delta * m.count * count / total;
    }
    m.count = total;
  }

  /**
   * The pooled statistics of one layer so far.
   *
   * @throws IllegalStateException if none were added for it
   */
  public LayerStatistics layer(String name) {
    Moments m = layers.get(name);
    if (m == null) {
      throw new IllegalStateException(
          "no statistics for layer " + name + " (have " + layers.keySet() + ")");
    }
    float[] mean = new float[m.mean.length];
    float[] variance = new float[m.mean.length];
    for (int c = 0; c < mean.length; c++) {
      mean[c] = (float) m.mean[c];
      variance[c] = (float) (m.squares[c] / m.count);
    }
    return new LayerStatistics(mean, variance);
  }
}
