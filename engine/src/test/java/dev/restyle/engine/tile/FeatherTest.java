package dev.restyle.engine.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FeatherTest {
  @Test
  void neighboursWeightsSumToOne() {
    int padded = 300;
    int[][] cores = {{0, 100}, {100, 200}, {200, 300}};
    int half = 16;
    double[] sums = new double[padded];
    for (int[] core : cores) {
      int from = Feather.start(core[0], half);
      int to = Feather.end(core[1], padded, padded, half);
      float[] w = Feather.weights(from, to, core[0], core[1], padded, half);
      for (int i = 0; i < w.length; i++) {
        sums[from + i] += w[i];
      }
    }
    for (int i = 0; i < padded; i++) {
      assertEquals(1.0, sums[i], 1e-6, "pixel " + i);
    }
  }
}
