package dev.restyle.engine.tile;

import dev.restyle.engine.image.ImageTensors;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * A {@link BufferedImage} as a {@link PixelSource}, and a new one filled as a {@link PixelSink}.
 */
public final class BufferedImagePixels implements PixelSource, PixelSink {
  private final BufferedImage image;
  private final byte[] bgr;
  private int nextRow;

  private BufferedImagePixels(BufferedImage image) {
    this.image = image;
    this.bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
  }

  /** Reads from an image (converted to packed BGR first if it is not already). */
  public static BufferedImagePixels of(BufferedImage image) {
    return new BufferedImagePixels(ImageTensors.asThreeByteBgr(image));
  }

  /** A blank image of the given size to be written. */
  public static BufferedImagePixels blank(int width, int height) {
    return new BufferedImagePixels(new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR));
  }

  public BufferedImage image() {
    return image;
  }

  @Override
  public int width() {
    return image.getWidth();
  }

  @Override
  public int height() {
    return image.getHeight();
  }

  @Override
  public byte[] read(Region region) {
    PixelSource.checkInside(region, width(), height());
    byte[] out = new byte[Math.multiplyExact(Math.toIntExact(region.pixels()), 3)];
    int stride = width() * 3;
    int i = 0;
    for (int y = region.y(); y < region.bottom(); y++) {
      int p = y * stride + region.x() * 3;
      for (int x = 0; x < region.width(); x++, p += 3) {
        out[i++] = bgr[p + 2];
        out[i++] = bgr[p + 1];
        out[i++] = bgr[p];
      }
    }
    return out;
  }

  @Override
  public void write(int y, int rows, byte[] rgb) {
    if (y != nextRow || y + rows > height() || rgb.length != rows * width() * 3) {
      throw new IllegalArgumentException(
          "expected rows from " + nextRow + " of a " + width() + "x" + height() + " image");
    }
    int p = y * width() * 3;
    for (int i = 0; i < rgb.length; i += 3, p += 3) {
      bgr[p] = rgb[i + 2];
      bgr[p + 1] = rgb[i + 1];
      bgr[p + 2] = rgb[i];
    }
    nextRow = y + rows;
  }
}
