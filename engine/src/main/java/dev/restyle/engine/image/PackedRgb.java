package dev.restyle.engine.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Packed 8-bit RGB images ({@code R G B} per pixel, row-major, no row padding: the layout video
 * decoders deliver) to and from tensors.
 */
public final class PackedRgb {
  private PackedRgb() {}

  /**
   * Packs RGB images into one (N, 3, H, W) float32 tensor in [0, 255] on {@code manager}'s device.
   */
  public static NDArray toTensor(List<byte[]> images, int width, int height, NDManager manager) {
    return pack(images, width, height, manager)
        .transpose(0, 3, 1, 2)
        .toType(DataType.FLOAT32, false);
  }

  /**
   * A (N, 3, H, W) RGB tensor, clamped to [0, 255] and rounded, as packed RGB bytes (N images one
   * after the other).
   */
  public static byte[] fromTensor(NDArray nchw) {
    return nchw.clip(0, 255)
        .round()
        .toType(DataType.UINT8, false)
        .transpose(0, 2, 3, 1)
        .toByteArray();
  }

  /** Packs RGB images into one (N, H, W, 3) uint8 tensor on {@code manager}'s device. */
  public static NDArray pack(List<byte[]> images, int width, int height, NDManager manager) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one image");
    }
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    int size = Math.multiplyExact(Math.multiplyExact(width, height), 3);
    // One image goes to native memory straight from its own array; a batch is packed first.
    byte[] packed =
        images.size() == 1 ? images.getFirst() : new byte[Math.multiplyExact(size, images.size())];
    for (int i = 0; i < images.size(); i++) {
      byte[] image = images.get(i);
      if (image.length != size) {
        throw new IllegalArgumentException(
            "image "
                + i
                + " has "
                + image.length
                + " bytes, expected "
                + size
                + " for "
                + width
                + "x"
                + height
                + " RGB");
      }
      if (packed != image) {
        System.arraycopy(image, 0, packed, i * size, size);
      }
    }
    return manager.create(
        ByteBuffer.wrap(packed), new Shape(images.size(), height, width, 3), DataType.UINT8);
  }
}
