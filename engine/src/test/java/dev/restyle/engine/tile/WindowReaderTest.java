package dev.restyle.engine.tile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WindowReaderTest {
  /** A 3x2 image whose pixel (x, y) is (x, y, 7). */
  private static final PackedRgbPixels IMAGE = image();

  private static PackedRgbPixels image() {
    byte[] rgb = new byte[3 * 2 * 3];
    for (int y = 0, i = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        rgb[i++] = (byte) x;
        rgb[i++] = (byte) y;
        rgb[i++] = 7;
      }
    }
    return new PackedRgbPixels(3, 2, rgb);
  }

  /** The padded image by definition: coordinates clamped to the last column and row. */
  private static byte[] expected(Region window) {
    byte[] out = new byte[Math.toIntExact(window.pixels() * 3)];
    int i = 0;
    for (int y = window.y(); y < window.bottom(); y++) {
      for (int x = window.x(); x < window.right(); x++) {
        out[i++] = (byte) Math.min(x, 2);
        out[i++] = (byte) Math.min(y, 1);
        out[i++] = 7;
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{2}x{3} at ({0}, {1})")
  @CsvSource({
    "0, 0, 3, 2", // the image itself
    "1, 0, 4, 5", // partly beyond the right and bottom edges
    "0, 3, 5, 2", // wholly below the image
    "4, 1, 2, 3", // wholly to the right
    "5, 6, 2, 2" // beyond both
  })
  void paddingRepeatsTheLastColumnAndRow(int x, int y, int width, int height) throws IOException {
    Region window = new Region(x, y, width, height);
    assertArrayEquals(expected(window), WindowReader.read(IMAGE, window));
  }

  @Test
  void aWindowInsideTheImageIsReadAsItIs() throws IOException {
    Region window = new Region(1, 1, 2, 1);
    assertArrayEquals(IMAGE.read(window), WindowReader.read(IMAGE, window));
  }
}
