package dev.restyle.engine.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;

/**
 * Converts between {@link BufferedImage} and float tensors of shape (3, H, W), RGB, values in [0,
 * 255]. Conversion is exact: an 8-bit RGB image round-trips bit for bit.
 */
public final class ImageTensors {
  private ImageTensors() {}

  /** The image as a (3, H, W) float32 RGB tensor in [0, 255]. */
  public static NDArray toTensor(BufferedImage image, NDManager manager) {
    BufferedImage bgr = asThreeByteBgr(image);
    byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    NDArray hwc =
        manager.create(
            ByteBuffer.wrap(pixels), new Shape(bgr.getHeight(), bgr.getWidth(), 3), DataType.UINT8);
    return hwc.flip(2).transpose(2, 0, 1).toType(DataType.FLOAT32, false);
  }

  /** A (3, H, W) RGB tensor, clamped to [0, 255] and rounded, as an 8-bit image. */
  public static BufferedImage toImage(NDArray chw) {
    Shape s = chw.getShape();
    if (s.dimension() != 3 || s.get(0) != 3) {
      throw new IllegalArgumentException("expected a (3, H, W) tensor, got " + s);
    }
    int height = (int) s.get(1);
    int width = (int) s.get(2);
    byte[] bytes =
        chw.clip(0, 255)
            .round()
            .toType(DataType.UINT8, false)
            .transpose(1, 2, 0)
            .flip(2)
            .toByteArray();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(bytes, 0, target, 0, target.length);
    return image;
  }

  /**
   * The image in TYPE_3BYTE_BGR with a raster of its own (not a view into a larger image),
   * converted (alpha dropped, grey expanded) or copied if needed.
   */
  public static BufferedImage asThreeByteBgr(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
        && image.getRaster().getDataBuffer().getSize() == image.getWidth() * image.getHeight() * 3
        && image.getRaster().getSampleModelTranslateX() == 0
        && image.getRaster().getSampleModelTranslateY() == 0) {
      return image;
    }
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return out;
  }
}
