package dev.restyle.engine.tile.io;

import static dev.restyle.engine.TestImages.assertSamePixels;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.restyle.engine.TestImages;
import dev.restyle.engine.tile.BufferedImagePixels;
import dev.restyle.engine.tile.Region;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngRowWriterTest {
  @TempDir Path dir;

  @Test
  void rowsWrittenInBandsReadBackExactly() throws IOException {
    BufferedImage image = TestImages.random(301, 157, BufferedImage.TYPE_INT_RGB, 9);
    BufferedImagePixels pixels = BufferedImagePixels.of(image);
    Path png = dir.resolve("out.png");
    try (ImageFileSink sink = ImageFileSink.open(png, 301, 157)) {
      for (int y = 0; y < 157; y += 40) {
        int rows = Math.min(40, 157 - y);
        sink.write(y, rows, pixels.read(new Region(0, y, 301, rows)));
      }
      sink.finish();
    }
    assertSamePixels(image, ImageIO.read(png.toFile()));
  }

  @Test
  void unfinishedFileIsRemoved() throws IOException {
    Path png = dir.resolve("half.png");
    try (ImageFileSink sink = ImageFileSink.open(png, 10, 10)) {
      sink.write(0, 1, new byte[30]);
      assertThrows(IllegalStateException.class, sink::finish);
    }
    assertFalse(Files.exists(png));
  }
}
