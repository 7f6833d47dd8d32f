package dev.restyle.engine.script;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The fixed kernels of a downscaling network's two resamplings of the RGB image, as grouped
 * convolutions (one group per colour channel), which libtorch's oneDNN runs several times faster
 * than its {@code avg_pool2d} and {@code upsample_bilinear2d} kernels on three channels (1280x720,
 * one thread: 6.4 and 11.6 ms of a 77 ms pass; docs/performance.md).
 *
 * <p>Bilinear upsampling by a whole factor {@code f} without aligned corners reads, for output
 * phase {@code r} along an axis (output index {@code f i + r}), the input at {@code i + d} with
 * {@code d = (r + 1/2) / f - 1/2}: a mix of input {@code i - 1} and {@code i} where {@code d < 0},
 * of {@code i} and {@code i + 1} otherwise. Over the input replication-padded by one, which is how
 * libtorch clamps the source index at the edges, every phase is a 3x3 convolution at the low
 * resolution, exact at the borders too; the {@code f^2} phases of a channel are then interleaved
 * into the upsampled image by a pixel shuffle.
 */
final class Resampling {
  private Resampling() {}

  /**
   * The average of each {@code f x f} block: a {@code (3, 1, f, f)} kernel of {@code 1 / f^2}, for
   * a stride-{@code f} convolution with 3 groups.
   */
  static NDArray pooling(int factor, NDManager manager) {
    float[] k = new float[3 * factor * factor];
    Arrays.fill(k, 1f / (factor * factor));
    return manager.create(k, new Shape(3, 1, factor, factor));
  }

  /**
   * Bilinear upsampling by {@code factor}: a {@code (3 f^2, 1, 3, 3)} kernel for a 3-group
   * convolution over the image replication-padded by one; output channel {@code c f^2 + a f + b} is
   * the phase (row {@code a}, column {@code b}) of colour channel {@code c}.
   */
  static NDArray upsampling(int factor, NDManager manager) {
    int phases = factor * factor;
    float[] k = new float[3 * phases * 9];
    for (int c = 0; c < 3; c++) {
      for (int a = 0; a < factor; a++) {
        float[] rows = taps(a, factor);
        for (int b = 0; b < factor; b++) {
          float[] columns = taps(b, factor);
          int base = ((c * phases) + a * factor + b) * 9;
          for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
              k[base + 3 * i + j] = rows[i] * columns[j];
            }
          }
        }
      }
    }
    return manager.create(k, new Shape(3L * phases, 1, 3, 3));
  }

  /** The weights of inputs {@code i - 1, i, i + 1} for output phase {@code r} along one axis. */
  static float[] taps(int r, int factor) {
    float d = (r + 0.5f) / factor - 0.5f;
    return d < 0 ? new float[] {-d, 1 + d, 0} : new float[] {0, 1 - d, d};
  }
}
