package dev.restyle.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The CPU's practical peak: the best of a few large single-precision matrix products in libtorch
 * (the same BLAS and threads the networks use), in GFLOP/s (2 n^3 operations per product).
 */
final class CpuPeak {
  static final int SIZE = 2048;
  private static final int RUNS = 3;

  private CpuPeak() {}

  static double gflops() {
    try (NDManager scope = NDManager.newBaseManager()) {
      NDArray a = scope.randomUniform(-1, 1, new Shape(SIZE, SIZE));
      NDArray b = scope.randomUniform(-1, 1, new Shape(SIZE, SIZE));
      a.matMul(b).close(); // warm-up: thread pool and packing buffers
      long best = Long.MAX_VALUE;
      for (int i = 0; i < RUNS; i++) {
        long start = System.nanoTime();
        NDArray c = a.matMul(b);
        c.toFloatArray(); // forces completion; also what a caller pays
        best = Math.min(best, System.nanoTime() - start);
        c.close();
      }
      return 2.0 * SIZE * SIZE * SIZE / best;
    }
  }
}
