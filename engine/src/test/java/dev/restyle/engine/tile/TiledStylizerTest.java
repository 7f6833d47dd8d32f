package dev.restyle.engine.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restyle.engine.TestImages;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TiledStylizerTest {
  private static final Architecture ARCHITECTURE = new Architecture(0.25, 2);

  /** A random network centred on mid-grey, so that little of its output is clipped. */
  private static StyleNetwork network;

  @BeforeAll
  static void createNetwork() {
    StyleNetwork random = StyleNetwork.initialise(ARCHITECTURE, Device.cpu(), 11);
    Map<String, Tensor> weights = new LinkedHashMap<>(random.weights());
    random.close();
    weights.put("out.bias", new Tensor(new long[] {3}, new float[] {0, 0, 0}));
    network = StyleNetwork.fromWeights(ARCHITECTURE, weights, Device.cpu());
  }

  @AfterAll
  static void closeNetwork() {
    network.close();
  }

  private static BufferedImage whole(BufferedImage image, StyleOptions options) {
    return new Stylizer(network).stylize(image, options);
  }

  @Test
  void tinyTilesMatchTheWholeImage() {
    BufferedImage image = TestImages.photo(200, 136, 3);
    Tiling tiling = Tiling.DEFAULT.withTileSize(32);
    TiledStylizer tiled = new TiledStylizer(network, tiling);
    assertTrue(tiled.plan(200, 136).tileCount() >= 20, "the image must really be tiled");
    double psnr =
        Psnr.of(whole(image, StyleOptions.DEFAULT), tiled.stylize(image, StyleOptions.DEFAULT));
    assertTrue(psnr > 45, "PSNR " + psnr);
  }

  @Test
  void withoutOverlapTilesDoNotMatch() {
    // The overlap is what makes tiles agree: with none, the check above would fail.
    BufferedImage image = TestImages.photo(200, 136, 3);
    TiledStylizer tiled =
        new TiledStylizer(network, Tiling.DEFAULT.withTileSize(32).withOverlap(0));
    double psnr =
        Psnr.of(whole(image, StyleOptions.DEFAULT), tiled.stylize(image, StyleOptions.DEFAULT));
    assertTrue(psnr < 45, "PSNR " + psnr);
  }

  @Test
  void strengthAndColoursApplyPerTileAsToTheWhole() {
    BufferedImage image = TestImages.photo(150, 90, 8);
    StyleOptions options = new StyleOptions(0.6f, true);
    TiledStylizer tiled = new TiledStylizer(network, Tiling.DEFAULT.withTileSize(48));
    double psnr = Psnr.of(whole(image, options), tiled.stylize(image, options));
    assertTrue(psnr > 45, "PSNR " + psnr);
  }

  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"1, 1", "3, 700", "700, 5", "97, 61", "301, 17", "17, 17"})
  void oddSizesAndExtremeAspectRatios(int width, int height) {
    BufferedImage image = TestImages.photo(width, height, width * 7L + height);
    BufferedImage out =
        new TiledStylizer(network, Tiling.DEFAULT.withTileSize(40))
            .stylize(image, StyleOptions.DEFAULT);
    assertEquals(width, out.getWidth());
    assertEquals(height, out.getHeight());
    double psnr = Psnr.of(whole(image, StyleOptions.DEFAULT), out);
    assertTrue(psnr > 45, width + "x" + height + ": PSNR " + psnr);
  }

  @Test
  void sampledStatisticsOfAUniformTextureMatchTheWholeImage() {
    // A budget far below the image: statistics are sampled, the first layers' exact. On a texture
    // that is alike everywhere, two windows' statistics are close to the whole image's (sampling is
    // the weak point of tiling: see docs/large-images.md; exact statistics reach 45 dB above).
    BufferedImage image = TestImages.random(320, 240, BufferedImage.TYPE_INT_RGB, 21);
    Tiling tiling = Tiling.DEFAULT.withTileSize(64).withStatisticsPixels(20_000);
    BufferedImage tiled = new TiledStylizer(network, tiling).stylize(image, StyleOptions.DEFAULT);
    double psnr = Psnr.of(whole(image, StyleOptions.DEFAULT), tiled);
    assertTrue(psnr > 25, "PSNR " + psnr);
  }

  @Test
  void exactLayersMatchTheWholeImagesStatistics() throws Exception {
    BufferedImage image = TestImages.photo(300, 200, 5);
    TiledStylizer stylizer = new TiledStylizer(network, Tiling.DEFAULT.withTileSize(64));
    TileGrid grid = stylizer.plan(300, 200);
    BufferedImagePixels source = BufferedImagePixels.of(image);
    StatisticsEstimator estimator = new StatisticsEstimator(network);
    ImageStatistics exact = estimator.estimate(source, grid, Long.MAX_VALUE, 0);
    ImageStatistics sampled = estimator.estimate(source, grid, 10_000, 2);
    for (String layer : new String[] {"conv1", "conv2"}) {
      double difference =
          new ImageStatistics(Map.of(layer, exact.layer(layer)))
              .largestRelativeDifference(new ImageStatistics(Map.of(layer, sampled.layer(layer))));
      assertTrue(difference < 1e-3, layer + " differs by " + difference);
    }
    assertEquals(exact.layerNames(), sampled.layerNames());
  }

  @Test
  void tileSizeBelowTheNetworksMultipleIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TiledStylizer(network, Tiling.DEFAULT.withTileSize(2)).plan(100, 100));
    assertTrue(e.getMessage().contains("tile size"), e.getMessage());
  }
}
