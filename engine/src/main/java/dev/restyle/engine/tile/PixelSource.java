package dev.restyle.engine.tile;

import java.io.IOException;

/**
 * An upright 8-bit RGB image read a region at a time: what tiled stylisation reads its input
 * through, so that an image need never be held whole.
 */
public interface PixelSource {
  int width();

  int height();

  /**
   * The pixels of a region inside the image, packed RGB ({@code R G B} per pixel, row-major, no
   * padding).
   *
   * @throws IllegalArgumentException if the region is not inside the image
   */
  byte[] read(Region region) throws IOException;

  /** Checks that a region lies inside an image of the given size. */
  static void checkInside(Region region, int width, int height) {
    if (region.right() > width || region.bottom() > height) {
      throw new IllegalArgumentException(
          "region " + region + " is not inside the " + width + "x" + height + " image");
    }
  }
}
