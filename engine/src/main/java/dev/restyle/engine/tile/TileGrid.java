package dev.restyle.engine.tile;

import dev.restyle.engine.network.Architecture;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an image into rows of tiles whose cores partition it. The image is first padded on the
 * right and bottom to the network's side multiple (as whole-image stylisation pads it), and every
 * core and window edge falls on that multiple, so each tile's strided layers sample the same grid
 * as the whole image's would.
 *
 * @param width the image's width
 * @param height the image's height
 * @param paddedWidth the width padded to the network's side multiple (and minimum side)
 * @param paddedHeight the height, likewise
 * @param rows tile rows, top to bottom, each left to right
 */
public record TileGrid(
    int width, int height, int paddedWidth, int paddedHeight, List<List<Tile>> rows) {

  /**
   * Plans a tiling.
   *
   * @param tileSize side of a core, at most; rounded down to the side multiple
   * @param overlap how far windows reach beyond their cores; rounded up to the side multiple
   * @throws IllegalArgumentException for a non-positive size or a tile smaller than the network can
   *     run on
   */
  public static TileGrid plan(
      int width, int height, int tileSize, int overlap, Architecture architecture) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    int multiple = architecture.sideMultiple();
    int core = tileSize / multiple * multiple;
    if (core < multiple) {
      throw new IllegalArgumentException(
          "tile size must be at least " + multiple + " for this network, got " + tileSize);
    }
    if (overlap < 0) {
      throw new IllegalArgumentException("overlap must not be negative, got " + overlap);
    }
    int margin = (overlap + multiple - 1) / multiple * multiple;
    int paddedWidth = padded(width, architecture);
    int paddedHeight = padded(height, architecture);
    List<int[]> columns = spans(paddedWidth, core, margin, architecture.minimumSide());
    List<int[]> bands = spans(paddedHeight, core, margin, architecture.minimumSide());
    List<List<Tile>> rows = new ArrayList<>();
    for (int[] band : bands) {
      List<Tile> row = new ArrayList<>();
      for (int[] column : columns) {
        row.add(
            new Tile(
                new Region(column[0], band[0], column[1] - column[0], band[1] - band[0]),
                new Region(column[2], band[2], column[3] - column[2], band[3] - band[2])));
      }
      rows.add(List.copyOf(row));
    }
    return new TileGrid(width, height, paddedWidth, paddedHeight, List.copyOf(rows));
  }

  /** A side padded as whole-image stylisation pads it. */
  public static int padded(int side, Architecture architecture) {
    int multiple = architecture.sideMultiple();
    return Math.max(architecture.minimumSide(), (side + multiple - 1) / multiple * multiple);
  }

  /**
   * Cores of at most {@code core} along a side of {@code length} (equal but for the last; a last
   * core too small to run alone is merged into the one before), each as {core start, core end,
   * window start, window end}.
   */
  private static List<int[]> spans(int length, int core, int margin, int minimum) {
    List<int[]> out = new ArrayList<>();
    int start = 0;
    while (start < length) {
      int end = Math.min(length, start + core);
      int windowStart = Math.max(0, start - margin);
      int windowEnd = Math.min(length, end + margin);
      if (windowEnd - windowStart < minimum && !out.isEmpty()) {
        int[] last = out.removeLast();
        start = last[0];
        windowStart = last[2];
      }
      out.add(new int[] {start, end, windowStart, windowEnd});
      start = end;
    }
    return out;
  }

  public int tileCount() {
    return rows.stream().mapToInt(List::size).sum();
  }

  /** The largest window's pixels: what one network pass holds at once. */
  public long largestWindowPixels() {
    return rows.stream().flatMap(List::stream).mapToLong(t -> t.window().pixels()).max().orElse(0);
  }
}
