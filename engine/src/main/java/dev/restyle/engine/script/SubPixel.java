package dev.restyle.engine.script;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.network.Upsampling;

/**
 * Nearest-neighbour 2x upsampling followed by a reflection-padded 3x3 convolution, rewritten as one
 * 2x2 convolution at the low resolution with four times the output channels.
 *
 * <p>Each of the four output phases (row parity a, column parity b) of the upsampled convolution
 * reads only a 2x2 neighbourhood of the low-resolution input: along one axis, taps 0, 1, 2 of the
 * 3x3 kernel land on input rows i - 1, i, i for even output rows and on i, i, i + 1 for odd ones.
 * With the input replication-padded by one (which is what reflection padding by one of the
 * upsampled image amounts to), phase (a, b)'s kernel is rows a..a+1 and columns b..b+1 of {@code
 * R_a W R_b^T}, where
 *
 * <pre>
 *   R_0 = [[1, 0, 0], [0, 1, 1], [0, 0, 0]]    R_1 = [[0, 0, 0], [1, 1, 0], [0, 0, 1]]
 * </pre>
 *
 * and its output at low-resolution position (i + a, j + b) is the upsampled output at (2i + a, 2j +
 * b). Same result as upsampling then convolving, with 16 multiply-adds per input channel where the
 * upsampled convolution takes 36, and without the upsampled and padded copies.
 *
 * <p>Bilinear 2x upsampling (without aligned corners) and a replication-padded 3x3 convolution go
 * the same way with 3x3 phase kernels {@code B_a W B_b^T}: even output rows 2i read the
 * interpolated rows 2i - 1, 2i, 2i + 1, which are 3/4 and 1/4 mixes of input rows i - 1, i, i + 1,
 * and the replication padding of the upsampled image is what interpolating the replication-padded
 * input gives, so the phase convolution over the input padded by one is exact up to the borders.
 * Its output at (i, j) is the upsampled output at (2i + a, 2j + b): 36 multiply-adds, as many as
 * the upsampled convolution, but no upsampled and padded copies.
 */
final class SubPixel {
  private static final float[][] R = {
    {1, 0, 0, 0, 1, 1, 0, 0, 0},
    {0, 0, 0, 1, 1, 0, 0, 0, 1},
  };

  /** {@code B_a[input row][kernel tap]}: the bilinear weights of each tap's interpolated row. */
  private static final float[][] B = {
    {0.75f, 0.25f, 0, 0.25f, 0.75f, 0.75f, 0, 0, 0.25f},
    {0.25f, 0, 0, 0.75f, 0.75f, 0.25f, 0, 0.25f, 0.75f},
  };

  private SubPixel() {}

  /**
   * The low-resolution side of a phase kernel: 2 after nearest upsampling, 3 after bilinear.
   * Convolving the input padded by one gives {@code 3 - side} extra rows and columns; phase (a, b)
   * starts at row and column {@code a (3 - side)}, {@code b (3 - side)}.
   */
  static int side(Upsampling upsampling) {
    return upsampling == Upsampling.NEAREST ? 2 : 3;
  }

  /**
   * The low-resolution kernel of an upsampling 3x3 convolution.
   *
   * @param weight (C_out, C_in, 3, 3)
   * @return (4 C_out, C_in, s, s) with s = {@link #side}, the phases in the order (0, 0), (0, 1),
   *     (1, 0), (1, 1), owned by {@code weight}'s manager
   */
  static NDArray kernel(NDArray weight, Upsampling upsampling) {
    Shape s = weight.getShape();
    if (s.dimension() != 4 || s.get(2) != 3 || s.get(3) != 3) {
      throw new IllegalArgumentException("expected a (C_out, C_in, 3, 3) kernel, got " + s);
    }
    NDManager manager = weight.getManager();
    try (NDManager scope = manager.newSubManager()) {
      NDArray w = weight.stopGradient();
      w.attach(scope);
      float[][] taps = upsampling == Upsampling.NEAREST ? R : B;
      int side = side(upsampling);
      NDList phases = new NDList(4);
      for (int a = 0; a < 2; a++) {
        NDArray rows = scope.create(taps[a], new Shape(3, 3));
        int row = a * (3 - side);
        for (int b = 0; b < 2; b++) {
          NDArray columns = scope.create(taps[b], new Shape(3, 3)).transpose();
          NDArray phase = rows.matMul(w).matMul(columns);
          int column = b * (3 - side);
          phases.add(phase.get(":, :, {}:{}, {}:{}", row, row + side, column, column + side));
        }
      }
      NDArray kernel = NDArrays.concat(phases, 0);
      kernel.attach(manager);
      return kernel;
    }
  }

  /**
   * The bias of {@link #kernel}: the layer's bias once per phase.
   *
   * @param bias (C_out)
   * @return (4 C_out), owned by {@code bias}' manager
   */
  static NDArray bias(NDArray bias) {
    NDManager manager = bias.getManager();
    try (NDManager scope = manager.newSubManager()) {
      NDArray b = bias.stopGradient();
      b.attach(scope);
      NDArray repeated = NDArrays.concat(new NDList(b, b, b, b), 0);
      repeated.attach(manager);
      return repeated;
    }
  }
}
