package dev.restyle.engine.tile.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.TestImages;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.ImageFilesTest;
import dev.restyle.engine.image.UnreadableImageException;
import dev.restyle.engine.tile.BufferedImagePixels;
import dev.restyle.engine.tile.Region;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageFileSourceTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void regionsAreOfTheUprightImage(int orientation) throws IOException {
    BufferedImage stored = TestImages.photo(90, 50, orientation);
    Path jpeg = dir.resolve("o" + orientation + ".jpg");
    Files.write(
        jpeg, ImageFilesTest.withExifOrientation(TestImages.encode(stored, "jpg"), orientation));
    BufferedImage upright = ImageFiles.read(jpeg);
    BufferedImagePixels expected = BufferedImagePixels.of(upright);
    try (ImageFileSource source = ImageFileSource.open(jpeg, 1L << 20)) {
      assertEquals(upright.getWidth(), source.width());
      assertEquals(upright.getHeight(), source.height());
      for (Region r :
          new Region[] {
            new Region(0, 0, source.width(), source.height()),
            new Region(3, 7, 20, 11),
            new Region(source.width() - 9, source.height() - 5, 9, 5)
          }) {
        assertArrayEquals(expected.read(r), source.read(r), "region " + r);
      }
    }
  }

  @Test
  void spooledRegionsMatchTheFile() throws IOException {
    BufferedImage image = TestImages.photo(123, 77, 4);
    Path png = TestImages.write(image, dir.resolve("p.png"));
    try (ImageFileSource file = ImageFileSource.open(png, 1L << 20);
        SpooledSource spooled = SpooledSource.of(file, dir)) {
      Region r = new Region(10, 20, 50, 40);
      assertArrayEquals(file.read(r), spooled.read(r));
    }
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "the spool file is deleted");
    }
  }

  @Test
  void anImageAboveTheLimitIsRefusedFromItsHeader() throws IOException {
    Path png = TestImages.write(TestImages.photo(100, 100, 1), dir.resolve("big.png"));
    UnreadableImageException e =
        assertThrows(UnreadableImageException.class, () -> ImageFileSource.open(png, 9_999));
    assertTrue(e.getMessage().contains("100x100"), e.getMessage());
  }

  @Test
  void aTextFileIsNotAnImage() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
    UnreadableImageException e =
        assertThrows(UnreadableImageException.class, () -> ImageFileSource.open(text, 1000));
    assertTrue(e.getMessage().contains("not an image"), e.getMessage());
  }
}
