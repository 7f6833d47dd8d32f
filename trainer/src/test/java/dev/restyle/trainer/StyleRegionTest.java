package dev.restyle.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.TestImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StyleRegionTest {
  @TempDir Path dir;

  @Test
  void parsesXYWidthHeightAndRefusesAnythingElse() {
    assertEquals(new StyleRegion(0, 40, 560, 474), StyleRegion.parse("0,40,560,474"));
    assertEquals("0,40,560,474", StyleRegion.parse(" 0,40,560,474 ").toString());
    IllegalArgumentException text =
        assertThrows(IllegalArgumentException.class, () -> StyleRegion.parse("0 40 560 474"));
    assertTrue(text.getMessage().contains("X,Y,WIDTH,HEIGHT"), text.getMessage());
    assertThrows(IllegalArgumentException.class, () -> StyleRegion.parse("0,0,99999999999,64"));
    IllegalArgumentException small =
        assertThrows(IllegalArgumentException.class, () -> StyleRegion.parse("0,0,8,100"));
    assertTrue(small.getMessage().contains("at least 16 pixels"), small.getMessage());
  }

  @Test
  void readsTheRegionThenResizesIt() throws IOException {
    // left half black, right half white: the right half's region is all white
    BufferedImage image = new BufferedImage(64, 32, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 32; y++) {
      for (int x = 32; x < 64; x++) {
        image.setRGB(x, y, 0xffffff);
      }
    }
    Path file = TestImages.write(image, dir.resolve("halves.png"));
    BufferedImage right = StyleRegion.read(file, new StyleRegion(32, 0, 32, 32), 16);
    assertEquals(16, right.getWidth());
    assertEquals(16, right.getHeight());
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        assertEquals(0xffffff, right.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
      }
    }
    BufferedImage whole = StyleRegion.read(file, null, 32);
    assertEquals(32, whole.getWidth());
    assertEquals(0, whole.getRGB(0, 0) & 0xffffff);
  }

  @Test
  void aRegionOutsideTheImageIsRefusedWhenTheConfigIsMade() throws IOException {
    Path style = TestImages.write(TestImages.stripes(32, 32, 4), dir.resolve("style.png"));
    Path photos = java.nio.file.Files.createDirectory(dir.resolve("photos"));
    TrainConfig config = TrainConfig.defaults("tiny", style, photos);
    TrainConfig fits = config.with(Map.of("styleRegion", new StyleRegion(8, 8, 24, 24)));
    assertEquals(new StyleRegion(8, 8, 24, 24), fits.styleRegion());
    Path yaml = dir.resolve("region.yaml");
    fits.writeYaml(yaml);
    assertEquals(fits, TrainConfig.readYaml(yaml));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> config.with(Map.of("styleRegion", new StyleRegion(20, 0, 16, 16))));
    assertTrue(e.getMessage().contains("style region 20,0,16,16 does not fit in"), e.getMessage());
    assertTrue(e.getMessage().contains("(32x32)"), e.getMessage());
  }
}
