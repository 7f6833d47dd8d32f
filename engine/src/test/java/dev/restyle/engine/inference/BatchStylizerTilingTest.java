package dev.restyle.engine.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restyle.engine.TestImages;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.engine.tile.PackedRgbPixels;
import dev.restyle.engine.tile.Region;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames above the tiling threshold go through tiles and come out as the whole frame would. */
class BatchStylizerTilingTest {
  @Test
  void framesAboveTheThresholdAreTiledAndMatchWholeFrames() {
    int width = 160;
    int height = 90;
    BufferedImage frame = TestImages.photo(width, height, 12);
    byte[] rgb = rgb(frame);
    try (StyleNetwork network =
        StyleNetwork.initialise(new Architecture(0.25, 1), Device.cpu(), 3)) {
      Stylizer stylizer = new Stylizer(network);
      BatchStylizer whole = new BatchStylizer(stylizer, BatchStylizer.Mode.OPS, Long.MAX_VALUE);
      BatchStylizer tiled = new BatchStylizer(stylizer, BatchStylizer.Mode.OPS, 1000);
      List<byte[]> expected = whole.stylize(List.of(rgb, rgb), width, height, StyleOptions.DEFAULT);
      List<byte[]> actual = tiled.stylize(List.of(rgb, rgb), width, height, StyleOptions.DEFAULT);
      assertEquals(2, actual.size());
      for (int i = 0; i < 2; i++) {
        int worst = 0;
        for (int j = 0; j < rgb.length; j++) {
          worst =
              Math.max(worst, Math.abs((expected.get(i)[j] & 0xff) - (actual.get(i)[j] & 0xff)));
        }
        assertTrue(worst <= 2, "frame " + i + " differs by up to " + worst + " grey levels");
      }
    }
  }

  private static byte[] rgb(BufferedImage image) {
    PackedRgbPixels out =
        new PackedRgbPixels(
            image.getWidth(),
            image.getHeight(),
            new byte[image.getWidth() * image.getHeight() * 3]);
    int[] row = new int[image.getWidth()];
    byte[] line = new byte[image.getWidth() * 3];
    for (int y = 0; y < image.getHeight(); y++) {
      image.getRGB(0, y, image.getWidth(), 1, row, 0, image.getWidth());
      for (int x = 0; x < row.length; x++) {
        line[3 * x] = (byte) (row[x] >> 16);
        line[3 * x + 1] = (byte) (row[x] >> 8);
        line[3 * x + 2] = (byte) row[x];
      }
      out.write(y, 1, line);
    }
    return out.read(new Region(0, 0, image.getWidth(), image.getHeight()));
  }
}
