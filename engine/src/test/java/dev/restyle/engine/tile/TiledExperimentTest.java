package dev.restyle.engine.tile;

import ai.djl.Device;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TiledExperimentTest {
  static double psnr(BufferedImage a, BufferedImage b) {
    double se = 0;
    for (int y = 0; y < a.getHeight(); y++)
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y), q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          int d = ((p >> s) & 255) - ((q >> s) & 255);
          se += d * d;
        }
      }
    double mse = se / (3.0 * a.getWidth() * a.getHeight());
    return 10 * Math.log10(255 * 255 / mse);
  }

  @Test
  void experiment() throws Exception {
    BufferedImage image =
        ImageFiles.read(
            Path.of(System.getProperty("img", "/work/shared/data/content/chicago.jpg")));
    try (StyleNetwork net =
        NetworkFile.load(
                Path.of(System.getProperty("net", "/root/.restyle/styles/starry_night.rsn")))
            .toNetwork(Device.cpu())) {
      long t0 = System.nanoTime();
      BufferedImage whole = new Stylizer(net).stylize(image, StyleOptions.DEFAULT);
      System.out.printf("whole %.2fs%n", (System.nanoTime() - t0) / 1e9);
      for (int tile : new int[] {128, 256}) {
        for (int ref : new int[] {0}) {
          for (long sp : new long[] {1L << 16, 1L << 17, 1L << 20}) {
            for (int ov : new int[] {-1, 32}) {
              Tiling t = Tiling.DEFAULT.withTileSize(tile).withStatisticsPixels(sp).withOverlap(ov);

              t0 = System.nanoTime();
              BufferedImage tiled = new TiledStylizer(net, t).stylize(image, StyleOptions.DEFAULT);
              System.out.printf(
                  "tile %d ref %d statpx %d overlap %d: psnr %.2f  %.2fs%n",
                  tile, ref, sp, ov, psnr(whole, tiled), (System.nanoTime() - t0) / 1e9);
            }
          }
        }
      }
    }
  }
}
