package dev.restyle.engine.tile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The normalisation statistics of a style network's layers for one image, by layer name ({@code
 * conv1}, {@code res1.conv1}, ..., {@code up2}), in the order the network met them.
 */
public final class ImageStatistics {
  private final Map<String, LayerStatistics> layers;

  public ImageStatistics(Map<String, LayerStatistics> layers) {
    this.layers = new LinkedHashMap<>(layers);
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
}
