package dev.restyle.ingest.temporal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagesTest {

  /** Each pixel of the shrunk image is its whole block's mean, rounded; leftovers are dropped. */
  @ParameterizedTest
  @CsvSource({"1, 7, 5", "2, 7, 5", "3, 640, 480", "3, 11, 7", "5, 1280, 720", "4, 9, 9"})
  void shrunkAveragesWholeBlocks(int factor, int width, int height) {
    byte[] rgb = new byte[3 * width * height];
    new SplittableRandom(factor * 31L + width).nextBytes(rgb);
    int w = width / factor;
    int h = height / factor;
    byte[] expected = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          for (int dy = 0; dy < factor; dy++) {
            for (int dx = 0; dx < factor; dx++) {
              sum += rgb[3 * ((y * factor + dy) * width + x * factor + dx) + c] & 0xff;
            }
          }
          expected[3 * (y * w + x) + c] = (byte) Math.round(sum / (double) (factor * factor));
        }
      }
    }
    try (Mat in = Images.rgb(rgb, width, height, new Mat());
        Mat out = Images.shrunk(in, factor, new Mat())) {
      assertEquals(w, out.cols());
      assertEquals(h, out.rows());
      byte[] got = Images.bytes(out);
      int worst = 0;
      for (int i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs((got[i] & 0xff) - (expected[i] & 0xff)));
      }
      // OpenCV rounds the mean in fixed point: a level off at most, where it is near a half.
      assertTrue(worst <= 1, "largest difference " + worst);
      if (factor == 1) {
        assertArrayEquals(rgb, got);
      }
    }
  }
}
