package dev.restyle.engine.tile;

import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;

/**
 * How tiled stylisation splits and stitches an image.
 *
 * @param tileSize side of a tile's core in pixels (its window adds the overlap on each side)
 * @param overlap how far a window reaches beyond its core; negative: the network's receptive field
 *     ({@link ReceptiveField#margin})
 * @param statisticsPixels pixels of the windows the normalisation statistics are estimated from
 *     (see {@link StatisticsEstimator}): an image this small gets exact statistics
 * @param exactLayers how many of the network's first layers get exact whole-image statistics on a
 *     larger image (each a cheap pass over every tile); the rest are sampled
 */
public record Tiling(int tileSize, int overlap, long statisticsPixels, int exactLayers) {
  /**
   * Default core side: large enough that the overlap costs little, small enough to bound memory.
   */
  public static final int DEFAULT_TILE_SIZE = 768;

  /**
   * Images above this many pixels are tiled by default ({@code restyle image}, {@code restyle
   * serve}, video frames): whole-image stylisation holds about 470 bytes a pixel at its peak.
   */
  public static final long AUTO_ABOVE_PIXELS = 4L << 20;

  /** Default statistics budget. */
  public static final long DEFAULT_STATISTICS_PIXELS = 1L << 20;

  public static final Tiling DEFAULT =
      new Tiling(DEFAULT_TILE_SIZE, -1, DEFAULT_STATISTICS_PIXELS, 1);

  public Tiling {
    if (exactLayers < 0 || exactLayers > StyleNetwork.STEM_LAYERS) {
      throw new IllegalArgumentException(
          "exact layers must be between 0 and "
              + StyleNetwork.STEM_LAYERS
              + ", got "
              + exactLayers);
    }
    if (tileSize <= 0) {
      throw new IllegalArgumentException("tile size must be positive, got " + tileSize);
    }
    if (statisticsPixels <= 0) {
      throw new IllegalArgumentException(
          "statistics budget must be positive, got " + statisticsPixels);
    }
  }

  public Tiling withTileSize(int size) {
    return new Tiling(size, overlap, statisticsPixels, exactLayers);
  }

  public Tiling withOverlap(int pixels) {
    return new Tiling(tileSize, pixels, statisticsPixels, exactLayers);
  }

  public Tiling withStatisticsPixels(long pixels) {
    return new Tiling(tileSize, overlap, pixels, exactLayers);
  }

  public Tiling withExactLayers(int layers) {
    return new Tiling(tileSize, overlap, statisticsPixels, layers);
  }

  /** The overlap for a network: as given, or its receptive field. */
  public int overlapFor(Architecture architecture) {
    return overlap >= 0 ? overlap : ReceptiveField.margin(architecture);
  }
}
