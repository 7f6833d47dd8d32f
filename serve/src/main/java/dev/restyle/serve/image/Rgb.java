package dev.restyle.serve.image;

import dev.restyle.engine.image.ImageTensors;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** Converts between images and the packed RGB bytes the inference stage takes. */
public final class Rgb {
  private Rgb() {}

  /** Packed RGB ({@code R G B} per pixel, row-major) of any image. */
  public static byte[] pack(BufferedImage image) {
    BufferedImage bgr = ImageTensors.asThreeByteBgr(image);
    byte[] data = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    byte[] rgb = new byte[data.length];
    for (int i = 0; i < data.length; i += 3) {
      rgb[i] = data[i + 2];
      rgb[i + 1] = data[i + 1];
      rgb[i + 2] = data[i];
    }
    return rgb;
  }

  /** An image from packed RGB. */
  public static BufferedImage unpack(byte[] rgb, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    if (data.length != rgb.length) {
      throw new IllegalArgumentException(
          "a "
              + width
              + "x"
              + height
              + " RGB image needs "
              + data.length
              + " bytes, got "
              + rgb.length);
    }
    for (int i = 0; i < data.length; i += 3) {
      data[i] = rgb[i + 2];
      data[i + 1] = rgb[i + 1];
      data[i + 2] = rgb[i];
    }
    return image;
  }
}
