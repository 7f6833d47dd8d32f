package dev.restyle.engine.tile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The normalisation statistics of every layer of a style network for one image, by layer name
 * ({@code conv1}, {@code res1.conv1}, ..., {@code up2}), in the order the network met them.
 */
public final class ImageStatistics {
  private final Map<String, LayerStatistics> layers;

  /** No layer's statistics. */
  public static final ImageStatistics NONE = new ImageStatistics(Map.of());

  public ImageStatistics(Map<String, LayerStatistics> layers) {
    this.layers = new LinkedHashMap<>(layers);
  }

  /** Whether this holds the named layer's statistics. */
  public boolean has(String name) {
    return layers.containsKey(name);
  }

  /**
   * These statistics and {@code other}'s, in that order; {@code other}'s win for a layer in both.
   */
  public ImageStatistics and(ImageStatistics other) {
    Map<String, LayerStatistics> all = new LinkedHashMap<>(layers);
    all.putAll(other.layers);
    return new ImageStatistics(all);
  }

  /**
   * One layer's statistics.
   *
   * @throws IllegalStateException if this image has none for it (statistics of another network)
   */
  public LayerStatistics layer(String name) {
    LayerStatistics s = layers.get(name);
    if (s == null) {
      throw new IllegalStateException(
          "no statistics for layer " + name + " (have " + layers.keySet() + ")");
    }
    return s;
  }

  public Set<String> layerNames() {
    return layers.keySet();
  }

  /**
   * The largest difference from {@code other} over every layer and channel, of means and of
   * standard deviations, relative to this image's standard deviation of that channel.
   */
  public double largestRelativeDifference(ImageStatistics other) {
    double worst = 0;
    for (Map.Entry<String, LayerStatistics> e : layers.entrySet()) {
      LayerStatistics a = e.getValue();
      LayerStatistics b = other.layer(e.getKey());
      float[] am = a.mean();
      float[] av = a.variance();
      float[] bm = b.mean();
      float[] bv = b.variance();
      for (int c = 0; c < a.channels(); c++) {
        double sd = Math.sqrt(av[c] + 1e-5);
        worst = Math.max(worst, Math.abs(am[c] - bm[c]) / sd);
        worst = Math.max(worst, Math.abs(sd - Math.sqrt(bv[c] + 1e-5)) / sd);
      }
    }
    return worst;
  }
}
