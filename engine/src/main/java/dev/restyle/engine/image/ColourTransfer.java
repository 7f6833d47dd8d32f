package dev.restyle.engine.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * Post-processing of a stylised image against its content: colour preservation (Gatys et al. 2016,
 * "Preserving colour in neural artistic style transfer": keep the content's chrominance, take only
 * the stylised luminance) and a strength blend. Tensors are (N, 3, H, W) RGB in [0, 255].
 */
public final class ColourTransfer {
  private ColourTransfer() {}

  /** Luminance of {@code stylised} with the chrominance (YCbCr, BT.601) of {@code content}. */
  public static NDArray preserveColours(NDArray stylised, NDArray content) {
    NDArray y = luma(stylised);
    NDArray cb = channel(content, 2).sub(luma(content)).mul(0.564f);
    NDArray cr = channel(content, 0).sub(luma(content)).mul(0.713f);
    NDArray r = y.add(cr.mul(1.403f));
    NDArray g = y.sub(cb.mul(0.344f)).sub(cr.mul(0.714f));
    NDArray b = y.add(cb.mul(1.773f));
    return NDArrays.concat(new NDList(r, g, b), 1);
  }

  /** {@code content + strength * (stylised - content)}; strength 1 is the full style. */
  public static NDArray blend(NDArray stylised, NDArray content, float strength) {
    if (strength < 0 || strength > 1) {
      throw new IllegalArgumentException("strength must be between 0 and 1, got " + strength);
    }
    if (strength == 1f) {
      return stylised;
    }
    return content.add(stylised.sub(content).mul(strength));
  }

  private static NDArray luma(NDArray rgb) {
    return channel(rgb, 0)
        .mul(0.299f)
        .add(channel(rgb, 1).mul(0.587f))
        .add(channel(rgb, 2).mul(0.114f));
  }

  private static NDArray channel(NDArray rgb, int c) {
    return rgb.get(new NDIndex(":, {}:{}", c, c + 1));
  }
}
