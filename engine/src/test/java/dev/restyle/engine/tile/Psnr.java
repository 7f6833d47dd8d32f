package dev.restyle.engine.tile;

import java.awt.image.BufferedImage;

/** Peak signal-to-noise ratio of two 8-bit RGB images of one size, in dB. */
final class Psnr {
  private Psnr() {}

  static double of(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      throw new IllegalArgumentException("images differ in size");
    }
    double squares = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift < 24; shift += 8) {
          int d = ((p >> shift) & 0xff) - ((q >> shift) & 0xff);
          squares += d * d;
        }
      }
    }
    double mse = squares / (3.0 * a.getWidth() * a.getHeight());
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
  }
}
