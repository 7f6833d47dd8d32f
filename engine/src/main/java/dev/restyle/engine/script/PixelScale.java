package dev.restyle.engine.script;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The network's fixed affine maps between pixels and its working range, folded into its first and
 * last convolution so that the compiled pass does not spend four passes over the image on them.
 *
 * <p>The layers work on {@code y = x / 255 - 0.5} and give back {@code (z + 0.5) * 255}. Padding
 * and average pooling commute with an affine map, so the first convolution of the padded input
 * {@code W * pad(y) + b} is {@code (W / 255) * pad(x) + (b - 0.5 sum(W))}, with the sum over each
 * output channel's kernel; and {@code (W * v + b + 0.5) * 255} is {@code (255 W) * v + 255 (b +
 * 0.5)}. The results are new tensors owned by the originals' manager; the network's own are
 * untouched.
 */
final class PixelScale {
  private PixelScale() {}

  /** The first convolution's kernel for [0, 255] input: {@code W / 255}. */
  static NDArray inputWeight(NDArray weight) {
    return derived(weight, w -> w.div(255f));
  }

  /** The first convolution's bias for [0, 255] input: {@code b - 0.5 sum(W)} per output channel. */
  static NDArray inputBias(NDArray weight, NDArray bias) {
    NDManager manager = bias.getManager();
    try (NDManager scope = manager.newSubManager()) {
      NDArray w = weight.stopGradient();
      w.attach(scope);
      NDArray b = bias.stopGradient();
      b.attach(scope);
      NDArray folded = b.sub(w.sum(new int[] {1, 2, 3}).mul(0.5f));
      folded.attach(manager);
      return folded;
    }
  }

  /** The last convolution's kernel for [0, 255] output: {@code 255 W}. */
  static NDArray outputWeight(NDArray weight) {
    return derived(weight, w -> w.mul(255f));
  }

  /** The last convolution's bias for [0, 255] output: {@code 255 (b + 0.5)}. */
  static NDArray outputBias(NDArray bias) {
    return derived(bias, b -> b.add(0.5f).mul(255f));
  }

  private static NDArray derived(NDArray source, java.util.function.UnaryOperator<NDArray> f) {
    NDManager manager = source.getManager();
    try (NDManager scope = manager.newSubManager()) {
      NDArray s = source.stopGradient();
      s.attach(scope);
      NDArray out = f.apply(s);
      out.attach(manager);
      return out;
    }
  }
}
