package dev.restyle.engine.tile;

import java.io.IOException;

/**
 * Reads a window of the padded image from a source: the part inside the image as it is, the part
 * beyond its right or bottom edge (the padding to the network's side multiple) as copies of the
 * last column and row, as whole-image stylisation pads. A window may lie wholly in the padding.
 */
final class WindowReader {
  private WindowReader() {}

  /** The window as packed RGB of {@code window.width() * window.height()} pixels. */
  static byte[] read(PixelSource source, Region window) throws IOException {
    // The part of the image the window sees: at least its last row and column.
    int x0 = Math.min(window.x(), source.width() - 1);
    int y0 = Math.min(window.y(), source.height() - 1);
    int innerWidth = Math.max(1, Math.min(window.right(), source.width()) - x0);
    int innerHeight = Math.max(1, Math.min(window.bottom(), source.height()) - y0);
    byte[] inner = source.read(new Region(x0, y0, innerWidth, innerHeight));
    if (x0 == window.x()
        && y0 == window.y()
        && innerWidth == window.width()
        && innerHeight == window.height()) {
      return inner;
    }
    int w = window.width();
    // Columns of the window inside the image (none if it starts beyond the right edge).
    int inside = Math.max(0, Math.min(window.right(), source.width()) - window.x());
    byte[] out = new byte[Math.toIntExact(window.pixels() * 3)];
    for (int y = 0; y < window.height(); y++) {
      int from = (Math.min(window.y() + y, source.height() - 1) - y0) * innerWidth * 3;
      int to = y * w * 3;
      System.arraycopy(inner, from, out, to, inside * 3);
      for (int x = inside; x < w; x++) {
        System.arraycopy(inner, from + (innerWidth - 1) * 3, out, to + x * 3, 3);
      }
    }
    return out;
  }
}
