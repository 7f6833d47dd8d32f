package dev.restyle.ingest.temporal;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReliabilityTest {
  private static final float TOLERANCE = 0.5f;
  private static final int PHOTOMETRIC = 24;

  /** The definition, pixel by pixel: inside, forward-backward, photometric (bilinear in floats). */
  private static boolean[] reliableByDefinition(
      FlowField backward, FlowField forward, byte[] previous, byte[] current) {
    int w = backward.width();
    int h = backward.height();
    boolean[] out = new boolean[w * h];
    float[] f = new float[2];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float bu = backward.u(x, y);
        float bv = backward.v(x, y);
        float px = x + bu;
        float py = y + bv;
        if (px < 0 || py < 0 || px > w - 1 || py > h - 1) {
          continue;
        }
        forward.sample(px, py, f);
        float du = bu + f[0];
        float dv = bv + f[1];
        float motion = bu * bu + bv * bv + f[0] * f[0] + f[1] * f[1];
        if (du * du + dv * dv > 0.01f * motion + TOLERANCE * TOLERANCE) {
          continue;
        }
        int x0 = Math.min((int) px, w - 2);
        int y0 = Math.min((int) py, h - 2);
        float fx = px - x0;
        float fy = py - y0;
        boolean alike = true;
        for (int c = 0; c < 3; c++) {
          float a = previous[3 * (y0 * w + x0) + c] & 0xff;
          float b = previous[3 * (y0 * w + x0 + 1) + c] & 0xff;
          float d = previous[3 * ((y0 + 1) * w + x0) + c] & 0xff;
          float e = previous[3 * ((y0 + 1) * w + x0 + 1) + c] & 0xff;
          float top = a + (b - a) * fx;
          float seen = top + (d + (e - d) * fx - top) * fy;
          alike &= Math.abs(seen - (current[3 * (y * w + x) + c] & 0xff)) <= PHOTOMETRIC;
        }
        out[y * w + x] = alike;
      }
    }
    return out;
  }

  /**
   * A scene moving right by 2.5 pixels, with a square in it moving down by 6 (so the flows disagree
   * around it), small flow noise, and a smooth picture with texture.
   */
  @Test
  void matchesTheDefinitionPixelByPixel() {
    int w = 96;
    int h = 64;
    SplittableRandom random = new SplittableRandom(7);
    float[] back = new float[2 * w * h];
    float[] fwd = new float[2 * w * h];
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++, i += 2) {
        boolean square = x >= 30 && x < 50 && y >= 20 && y < 40;
        back[i] = square ? 0 : -2.5f + (float) random.nextGaussian(0, 0.2);
        back[i + 1] = square ? -6 : (float) random.nextGaussian(0, 0.2);
        fwd[i] = 2.5f + (float) random.nextGaussian(0, 0.2);
        fwd[i + 1] = (float) random.nextGaussian(0, 0.2);
      }
    }
    byte[] previous = new byte[3 * w * h];
    byte[] current = new byte[3 * w * h];
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++, i += 3) {
        for (int c = 0; c < 3; c++) {
          previous[i + c] =
              (byte) (100 + 60 * Math.sin((x + 7 * c) / 6.0) + 20 * Math.cos(y / 5.0));
          double shifted = 100 + 60 * Math.sin((x - 2.5 + 7 * c) / 6.0) + 20 * Math.cos(y / 5.0);
          boolean changed = x >= 70 && x < 85 && y >= 40 && y < 60 && c == 0;
          current[i + c] =
              (byte)
                  Math.clamp(
                      Math.round(shifted + (changed ? 60 : 0) + random.nextGaussian(0, 5)), 0, 255);
        }
      }
    }
    FlowField backward = new FlowField(w, h, back);
    FlowField forward = new FlowField(w, h, fwd);
    boolean[] expected = reliableByDefinition(backward, forward, previous, current);
    try (Reliability reliability = new Reliability();
        Mat b = flow(backward);
        Mat f = flow(forward);
        Mat p = Images.rgb(previous, w, h, new Mat());
        Mat c = Images.rgb(current, w, h, new Mat());
        Mat mask = new Mat()) {
      double share = reliability.of(b, f, p, c, TOLERANCE, PHOTOMETRIC, mask);
      byte[] actual = Images.bytes(mask);
      int agree = 0;
      int reliable = 0;
      for (int i = 0; i < expected.length; i++) {
        boolean r = actual[i] != 0;
        agree += r == expected[i] ? 1 : 0;
        reliable += expected[i] ? 1 : 0;
      }
      // OpenCV interpolates at 1/32 pixel and rounds 8-bit samples: decisions right at a
      // threshold may differ.
      assertTrue(agree >= 0.99 * expected.length, agree + " of " + expected.length + " agree");
      assertTrue(
          reliable > 0.3 * expected.length && reliable < 0.95 * expected.length,
          "a test that exercises both outcomes: " + reliable + " reliable");
      assertEquals(reliable / (double) expected.length, share, 0.01);
    }
  }

  private static Mat flow(FlowField field) {
    Mat m = new Mat(field.height(), field.width(), CV_32FC2);
    ((FloatBuffer) m.createBuffer()).put(field.uv());
    return m;
  }

  @Test
  void rejectsFramesOfAnotherSize() {
    try (Reliability reliability = new Reliability();
        Mat b = new Mat(4, 5, CV_32FC2);
        Mat f = new Mat(4, 5, CV_32FC2);
        Mat p = new Mat(4, 6, CV_8UC3);
        Mat c = new Mat(4, 5, CV_8UC3);
        Mat mask = new Mat()) {
      assertThrows(IllegalArgumentException.class, () -> reliability.of(b, f, p, c, 1, 24, mask));
    }
  }

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
    byte[] mask = new byte[width * height];
    for (int i = 0; i < weights.length; i++) {
      boolean reliable = random.nextDouble() < share;
      weights[i] = reliable ? 1 : 0;
      mask[i] = (byte) (reliable ? 255 : 0);
    }
    float[] expected = softenedByDefinition(weights, width, height);
    float[] actual = new float[weights.length];
    try (Mat m = new Mat(height, width, CV_8UC1);
        Mat soft = new Mat()) {
      ((ByteBuffer) m.createBuffer()).put(mask);
      ((FloatBuffer) Reliability.softened(m, soft).createBuffer()).get(actual);
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6f, "pixel " + i);
    }
  }
}
