package dev.restyle.engine.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.TestImages;
import dev.restyle.engine.TestNetworks;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Upsampling;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LayerwiseStylizerTest {
  @TempDir Path spills;

  private static StyleNetwork network(Architecture architecture) {
    return TestNetworks.midGrey(architecture, 11);
  }

  /** The largest difference of any channel of any pixel from the whole image's result. */
  private int difference(
      StyleNetwork network, BufferedImage image, long bandValues, StyleOptions o) {
    BufferedImage whole = new Stylizer(network).stylize(image, o);
    BufferedImage layered = new LayerwiseStylizer(network, bandValues, spills).stylize(image, o);
    assertEquals(image.getWidth(), layered.getWidth());
    assertEquals(image.getHeight(), layered.getHeight());
    int worst = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int[] a = TestImages.rgb(whole, x, y);
        int[] b = TestImages.rgb(layered, x, y);
        for (int c = 0; c < 3; c++) {
          worst = Math.max(worst, Math.abs(a[c] - b[c]));
        }
      }
    }
    return worst;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.restyle.engine.script.ScriptedNetworkTest#presetsAndUpsampling")
  void narrowBandsMatchTheWholeImageOnEveryPreset(NetworkPreset preset, Upsampling upsampling)
      throws IOException {
    Architecture architecture =
        (preset.architecture().width() == 1.0
                ? new Architecture(0.25, 2) // the full width is slow to initialise and no different
                : preset.architecture())
            .withUpsampling(upsampling);
    try (StyleNetwork network = network(architecture)) {
      // A band of a few rows: every layer is cut into many bands, mirrored at both edges.
      int difference =
          difference(network, TestImages.photo(203, 131, 3), 3_000, StyleOptions.DEFAULT);
      assertTrue(difference <= 1, preset + " " + upsampling + ": differs by " + difference);
    }
    try (Stream<Path> left = Files.list(spills)) {
      assertEquals(0, left.count(), "every spill file is deleted");
    }
  }

  @Test
  void strengthAndColoursApplyAsToTheWhole() {
    try (StyleNetwork network = network(new Architecture(0.25, 2))) {
      int difference =
          difference(network, TestImages.photo(150, 90, 8), 5_000, new StyleOptions(0.6f, true));
      assertTrue(difference <= 1, "differs by " + difference);
    }
  }

  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"1, 1", "3, 700", "700, 5", "97, 61", "17, 17"})
  void oddSizesAndExtremeAspectRatios(int width, int height) {
    try (StyleNetwork network = network(NetworkPreset.FASTER.architecture())) {
      BufferedImage image = TestImages.photo(width, height, width * 7L + height);
      int difference = difference(network, image, 4_000, StyleOptions.DEFAULT);
      assertTrue(difference <= 1, width + "x" + height + ": differs by " + difference);
    }
  }

  @Test
  void reflectionMirrorsWithoutRepeatingTheEdge() {
    assertEquals(2, LayerwiseStylizer.reflect(-2, 10));
    assertEquals(0, LayerwiseStylizer.reflect(0, 10));
    assertEquals(9, LayerwiseStylizer.reflect(9, 10));
    assertEquals(7, LayerwiseStylizer.reflect(11, 10));
  }
}
