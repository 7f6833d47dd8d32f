package dev.restyle.engine.tile;

/**
 * Packed RGB held in memory ({@code R G B} per pixel, row-major, no padding) as a {@link
 * PixelSource}, and filled row by row as a {@link PixelSink}.
 *
 * @param width the image's width
 * @param height its height
 * @param rgb its pixels, {@code width * height * 3} bytes, shared (not copied)
 */
public record PackedRgbPixels(int width, int height, byte[] rgb) implements PixelSource, PixelSink {
  public PackedRgbPixels {
    if (width <= 0 || height <= 0 || rgb.length != (long) width * height * 3) {
      throw new IllegalArgumentException(
          rgb.length + " bytes are not a " + width + "x" + height + " RGB image");
    }
  }

  @Override
  public byte[] read(Region region) {
    PixelSource.checkInside(region, width, height);
    byte[] out = new byte[Math.toIntExact(region.pixels() * 3)];
    for (int y = 0; y < region.height(); y++) {
      System.arraycopy(
          rgb,
          ((region.y() + y) * width + region.x()) * 3,
          out,
          y * region.width() * 3,
          region.width() * 3);
    }
    return out;
  }

  @Override
  public void write(int y, int rows, byte[] pixels) {
    if (y + rows > height || pixels.length != rows * width * 3) {
      throw new IllegalArgumentException(
          "rows " + y + " to " + (y + rows) + " do not fit a " + width + "x" + height + " image");
    }
    System.arraycopy(pixels, 0, rgb, y * width * 3, pixels.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackedRgbPixels p
        && p.width == width
        && p.height == height
        && java.util.Arrays.equals(p.rgb, rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + java.util.Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "PackedRgbPixels[" + width + "x" + height + "]";
  }
}
