package dev.restyle.engine.stylize;

import ai.djl.ndarray.NDArray;
import dev.restyle.engine.image.ColourTransfer;

/**
 * How a style is applied.
 *
 * @param strength 0 keeps the content, 1 is the full style; values between blend linearly
 * @param preserveColours keep the content's colours, take only the style's luminance texture
 */
public record StyleOptions(float strength, boolean preserveColours) {
  public static final StyleOptions DEFAULT = new StyleOptions(1f, false);

  public StyleOptions {
    if (!(strength >= 0 && strength <= 1)) {
      throw new IllegalArgumentException("strength must be between 0 and 1, got " + strength);
    }
  }

  /**
   * Applies these options to a network's output.
   *
   * @param stylised (N, 3, H, W) the network's output, [0, 255]
   * @param content (N, 3, H, W) its input
   */
  public NDArray apply(NDArray stylised, NDArray content) {
    NDArray out = preserveColours ? ColourTransfer.preserveColours(stylised, content) : stylised;
    return ColourTransfer.blend(out, content, strength);
  }
}
