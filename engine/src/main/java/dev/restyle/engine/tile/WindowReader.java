package dev.restyle.engine.tile;

import java.io.IOException;

/**
 * Reads a tile's window from a source: the part inside the image as it is, the part beyond its
 * right or bottom edge (the padding to the network's side multiple) as copies of the last column
 * and row, as whole-image stylisation pads.
 */
final class WindowReader {
  private WindowReader() {}

  /** The window as packed RGB of {@code window.width() * window.height()} pixels. */
  static byte[] read(PixelSource source, Region window) throws IOException {
    int innerWidth = Math.min(window.right(), source.width()) - window.x();
    int innerHeight = Math.min(window.bottom(), source.height()) - window.y();
    if (innerWidth <= 0 || innerHeight <= 0) {
      throw new IllegalArgumentException(
          "window "
              + window
              + " is beyond the "
              + source.width()
              + "x"
              + source.height()
              + " image");
    }
    byte[] inner = source.read(new Region(window.x(), window.y(), innerWidth, innerHeight));
    if (innerWidth == window.width() && innerHeight == window.height()) {
      return inner;
    }
    int w = window.width();
    byte[] out = new byte[Math.toIntExact(window.pixels() * 3)];
    for (int y = 0; y < window.height(); y++) {
      int from = Math.min(y, innerHeight - 1) * innerWidth * 3;
      int to = y * w * 3;
      System.arraycopy(inner, from, out, to, innerWidth * 3);
      for (int x = innerWidth; x < w; x++) {
        System.arraycopy(inner, from + (innerWidth - 1) * 3, out, to + x * 3, 3);
      }
    }
    return out;
  }
}
