package dev.restyle.engine.tile;

import java.io.IOException;

/**
 * Sums the weighted outputs of tiles into rows of the result and hands finished rows to a {@link
 * PixelSink}, clamped to [0, 255] and rounded: it holds only the rows that tiles still contribute
 * to (a band of tiles and its blending margin), never the whole image.
 */
final class RowBlender {
  private final int width;
  private final int height;
  private final PixelSink sink;
  private float[] sums = new float[0];
  private int top;

  RowBlender(int width, int height, PixelSink sink) {
    this.width = width;
    this.height = height;
    this.sink = sink;
  }

  /**
   * Adds a tile's output, weighted.
   *
   * @param planar (3, rows, columns) RGB values of the region
   * @param region where they go, in image pixels; must not start above the rows already written
   * @param weightsX per column of the region
   * @param weightsY per row of the region
   */
  void add(float[] planar, Region region, float[] weightsX, float[] weightsY) {
    if (region.y() < top || region.right() > width || region.bottom() > height) {
      throw new IllegalArgumentException(
          "region " + region + " is outside the unwritten rows " + top + " to " + height);
    }
    ensureRows(region.bottom() - top);
    int plane = region.width() * region.height();
    for (int y = 0; y < region.height(); y++) {
      float wy = weightsY[y];
      if (wy == 0) {
        continue;
      }
      int row = (region.y() - top + y) * width * 3 + region.x() * 3;
      int src = y * region.width();
      for (int x = 0; x < region.width(); x++) {
        float w = wy * weightsX[x];
        int p = row + x * 3;
        sums[p] += w * planar[src + x];
        sums[p + 1] += w * planar[plane + src + x];
        sums[p + 2] += w * planar[2 * plane + src + x];
      }
    }
  }

  /** Writes rows up to {@code end} (exclusive): no later tile may contribute to them. */
  void finishRowsBefore(int end) throws IOException {
    int rows = end - top;
    if (rows <= 0) {
      return;
    }
    int values = rows * width * 3;
    byte[] out = new byte[values];
    for (int i = 0; i < values; i++) {
      float v = Math.round(sums[i]);
      out[i] = (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
    }
    sink.write(top, rows, out);
    int kept = sums.length - values;
    System.arraycopy(sums, values, sums, 0, kept);
    java.util.Arrays.fill(sums, kept, sums.length, 0f);
    top = end;
  }

  private void ensureRows(int rows) {
    long needed = (long) rows * width * 3;
    if (needed > sums.length) {
      float[] grown = new float[Math.toIntExact(needed)];
      System.arraycopy(sums, 0, grown, 0, sums.length);
      sums = grown;
    }
  }
}
