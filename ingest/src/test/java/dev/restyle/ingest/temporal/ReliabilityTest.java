package dev.restyle.ingest.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReliabilityTest {
  /** The definition: a 3x3 minimum, then a 3x3 mean, edges replicated. */
  private static float[] softenedByDefinition(float[] w, int width, int height) {
    float[] eroded = new float[w.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float min = 1;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int yy = Math.clamp(y + dy, 0, height - 1);
            min = Math.min(min, w[yy * width + Math.clamp(x + dx, 0, width - 1)]);
          }
        }
        eroded[y * width + x] = min;
      }
    }
    float[] out = new float[w.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float sum = 0;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int yy = Math.clamp(y + dy, 0, height - 1);
            sum += eroded[yy * width + Math.clamp(x + dx, 0, width - 1)];
          }
        }
        out[y * width + x] = sum / 9;
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}x{1}, {2} reliable")
  @CsvSource({"40, 30, 0.9", "17, 5, 0.5", "3, 3, 0.7", "64, 48, 0.98"})
  void softeningShrinksByAPixelThenBlursOverThreeByThree(int width, int height, double share) {
    SplittableRandom random = new SplittableRandom(width * 31L + height);
    float[] weights = new float[width * height];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = random.nextDouble() < share ? 1 : 0;
    }
    float[] expected = softenedByDefinition(weights, width, height);
    float[] actual = new Reliability.Mask(width, height, weights, share).softened().weights();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6f, "pixel " + i);
    }
  }
}
