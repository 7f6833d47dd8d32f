package dev.restyle.engine.stylize;

import static dev.restyle.engine.TestImages.assertSamePixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.TestImages;
import dev.restyle.engine.TestNetworks;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StylizerTest {
  private static final Architecture ARCHITECTURE = new Architecture(0.25, 1);

  /** A random network. */
  private static StyleNetwork random;

  /** A random network whose output is shifted to mid-grey, so that little of it is clipped. */
  private static StyleNetwork midGrey;

  @BeforeAll
  static void createNetworks() {
    random = StyleNetwork.initialise(ARCHITECTURE, Device.cpu(), 5);
    midGrey = TestNetworks.midGrey(ARCHITECTURE, 5);
  }

  @AfterAll
  static void closeNetworks() {
    random.close();
    midGrey.close();
  }

  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"1, 1", "3, 7", "17, 33", "250, 5", "33, 17", "16, 16", "20, 24"})
  void outputHasTheInputsSize(int width, int height) {
    BufferedImage input = TestImages.photo(width, height, width * 1000L + height);
    BufferedImage output = new Stylizer(random).stylize(input, StyleOptions.DEFAULT);
    assertEquals(width, output.getWidth());
    assertEquals(height, output.getHeight());
  }

  @Test
  void strengthZeroReturnsTheInput() {
    BufferedImage input = TestImages.photo(29, 18, 1);
    assertSamePixels(input, new Stylizer(random).stylize(input, new StyleOptions(0f, false)));
    assertSamePixels(input, new Stylizer(random).stylize(input, new StyleOptions(0f, true)));
  }

  @Test
  void fullStrengthChangesTheImage() {
    BufferedImage input = TestImages.photo(24, 20, 2);
    BufferedImage output = new Stylizer(midGrey).stylize(input, StyleOptions.DEFAULT);
    assertTrue(meanAbsoluteDifference(input, output) > 10, "the network repaints the image");
  }

  @Test
  void halfStrengthIsHalfway() {
    Stylizer stylizer = new Stylizer(midGrey);
    BufferedImage input = TestImages.photo(21, 19, 3);
    BufferedImage full = stylizer.stylize(input, StyleOptions.DEFAULT);
    BufferedImage half = stylizer.stylize(input, new StyleOptions(0.5f, false));
    for (int y = 0; y < 19; y++) {
      for (int x = 0; x < 21; x++) {
        int[] a = TestImages.rgb(input, x, y);
        int[] b = TestImages.rgb(full, x, y);
        int[] h = TestImages.rgb(half, x, y);
        for (int c = 0; c < 3; c++) {
          // The full result is clamped, the blend is of the unclamped output: compare where the
          // full result was not clamped.
          if (b[c] > 0 && b[c] < 255) {
            assertEquals((a[c] + b[c]) / 2.0, h[c], 1.01, "pixel (" + x + ", " + y + ")");
          }
        }
      }
    }
  }

  @Test
  void preserveColoursKeepsTheContentsChroma() {
    BufferedImage input = TestImages.photo(32, 24, 4);
    BufferedImage output = new Stylizer(midGrey).stylize(input, new StyleOptions(1f, true));
    int compared = 0;
    for (int y = 0; y < 24; y++) {
      for (int x = 0; x < 32; x++) {
        int[] out = TestImages.rgb(output, x, y);
        if (clipped(out)) {
          continue;
        }
        double[] expected = chroma(TestImages.rgb(input, x, y));
        double[] actual = chroma(out);
        assertEquals(expected[0], actual[0], 2, "Cb at (" + x + ", " + y + ")");
        assertEquals(expected[1], actual[1], 2, "Cr at (" + x + ", " + y + ")");
        compared++;
      }
    }
    assertTrue(compared > 24 * 32 / 2, "most pixels unclipped, compared " + compared);
    assertTrue(
        meanAbsoluteDifference(input, output) > 5, "the luminance still comes from the network");
  }

  @Test
  void preserveColoursIsExactBeforeClamping() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray batch =
          ImageTensors.toTensor(TestImages.photo(20, 20, 6), m).expandDims(0).repeat(0, 2);
      NDArray output = new Stylizer(random).stylize(batch, new StyleOptions(1f, true));
      assertEquals(new Shape(2, 3, 20, 20), output.getShape());
      NDArray chromaDifference = chroma(output).sub(chroma(batch)).abs().max();
      assertTrue(chromaDifference.getFloat() < 0.1f, "max |dCbCr| " + chromaDifference);
    }
  }

  @Test
  void batchesKeepTheirShape() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray batch = m.randomUniform(0, 255, new Shape(3, 3, 13, 22));
      NDArray output = new Stylizer(random).stylize(batch, StyleOptions.DEFAULT);
      assertEquals(new Shape(3, 3, 13, 22), output.getShape());
    }
  }

  @Test
  void padEdgesRepeatsTheLastRowAndColumn() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = m.arange(6f).reshape(1, 1, 2, 3);
      NDArray padded = Stylizer.padEdges(x, 2, 1);
      assertEquals(new Shape(1, 1, 4, 4), padded.getShape());
      float[] expected = {0, 1, 2, 2, 3, 4, 5, 5, 3, 4, 5, 5, 3, 4, 5, 5};
      assertArrayEquals(expected, padded.toFloatArray());
    }
  }

  @Test
  void strengthOutsideZeroToOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new StyleOptions(1.5f, false));
    assertThrows(IllegalArgumentException.class, () -> new StyleOptions(-0.1f, false));
    assertThrows(IllegalArgumentException.class, () -> new StyleOptions(Float.NaN, false));
  }

  /** Cb and Cr (BT.601) of an RGB pixel. */
  private static double[] chroma(int[] rgb) {
    double luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    return new double[] {0.564 * (rgb[2] - luma), 0.713 * (rgb[0] - luma)};
  }

  /** Cb and Cr (BT.601) of (N, 3, H, W) RGB, stacked as (N, 2, H, W). */
  private static NDArray chroma(NDArray rgb) {
    NDArray r = rgb.get(":, 0:1");
    NDArray g = rgb.get(":, 1:2");
    NDArray b = rgb.get(":, 2:3");
    NDArray luma = r.mul(0.299f).add(g.mul(0.587f)).add(b.mul(0.114f));
    return b.sub(luma).mul(0.564f).concat(r.sub(luma).mul(0.713f), 1);
  }

  private static boolean clipped(int[] rgb) {
    for (int v : rgb) {
      if (v == 0 || v == 255) {
        return true;
      }
    }
    return false;
  }

  private static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
    double sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int[] p = TestImages.rgb(a, x, y);
        int[] q = TestImages.rgb(b, x, y);
        for (int c = 0; c < 3; c++) {
          sum += Math.abs(p[c] - q[c]);
        }
      }
    }
    return sum / (a.getWidth() * a.getHeight() * 3);
  }
}
