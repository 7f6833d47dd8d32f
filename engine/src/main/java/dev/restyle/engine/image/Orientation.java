package dev.restyle.engine.image;

import java.awt.image.BufferedImage;

/** Applies an EXIF orientation (1 to 8) so that the image is upright. */
public final class Orientation {
  private Orientation() {}

  /**
   * The stored pixels that an upright region shows.
   *
   * @param orientation EXIF orientation, 1 to 8 (others: as stored)
   * @param x the upright region's left column
   * @param y its top row
   * @param width its width
   * @param height its height
   * @param storedWidth the stored image's width
   * @param storedHeight the stored image's height
   * @return {x, y, width, height} of the stored region, which {@link #apply} turns upright into
   *     exactly the upright region
   */
  public static int[] storedRegion(
      int orientation, int x, int y, int width, int height, int storedWidth, int storedHeight) {
    int right = x + width;
    int bottom = y + height;
    return switch (orientation) {
      case 2 -> new int[] {storedWidth - right, y, width, height};
      case 3 -> new int[] {storedWidth - right, storedHeight - bottom, width, height};
      case 4 -> new int[] {x, storedHeight - bottom, width, height};
      case 5 -> new int[] {y, x, height, width};
      case 6 -> new int[] {y, storedHeight - right, height, width};
      case 7 -> new int[] {storedWidth - bottom, storedHeight - right, height, width};
      case 8 -> new int[] {storedWidth - bottom, x, height, width};
      default -> new int[] {x, y, width, height};
    };
  }

  /** Whether an orientation swaps width and height. */
  public static boolean swapsSides(int orientation) {
    return orientation >= 5 && orientation <= 8;
  }

  /** The stored image turned upright. */
  public static BufferedImage apply(BufferedImage src, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return src;
    }
    int w = src.getWidth();
    int h = src.getHeight();
    boolean swap = orientation >= 5;
    BufferedImage dst = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = src.getRGB(x, y);
        switch (orientation) {
          case 2 -> dst.setRGB(w - 1 - x, y, rgb);
          case 3 -> dst.setRGB(w - 1 - x, h - 1 - y, rgb);
          case 4 -> dst.setRGB(x, h - 1 - y, rgb);
          case 5 -> dst.setRGB(y, x, rgb);
          case 6 -> dst.setRGB(h - 1 - y, x, rgb);
          case 7 -> dst.setRGB(h - 1 - y, w - 1 - x, rgb);
          default -> dst.setRGB(y, w - 1 - x, rgb);
        }
      }
    }
    return dst;
  }
}
