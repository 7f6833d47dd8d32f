package dev.restyle.engine.image;

import static dev.restyle.engine.TestImages.assertSamePixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.restyle.engine.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

public class ImageFilesTest {
  @TempDir Path dir;

  @Test
  void textFileIsNotAnImage() throws IOException {
    Path notes = dir.resolve("notes.jpg");
    Files.writeString(notes, "shopping list: eggs, milk\n");
    UnreadableImageException e =
        assertThrows(UnreadableImageException.class, () -> ImageFiles.read(notes));
    assertTrue(e.getMessage().startsWith(notes.toString()), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains("not an image"), e.getMessage());
  }

  @Test
  void emptyFileIsNotAnImage() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.png"));
    assertThrows(UnreadableImageException.class, () -> ImageFiles.read(empty));
  }

  @Test
  void missingFileSaysSo() {
    Path missing = dir.resolve("missing.png");
    UnreadableImageException e =
        assertThrows(UnreadableImageException.class, () -> ImageFiles.read(missing));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void truncatedJpegIsCorrupt() throws IOException {
    Path jpeg = TestImages.truncatedJpeg(dir.resolve("cut.jpg"));
    UnreadableImageException e =
        assertThrows(UnreadableImageException.class, () -> ImageFiles.read(jpeg));
    assertTrue(e.getMessage().startsWith(jpeg.toString()), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void truncatedPngIsCorrupt() throws IOException {
    byte[] png = TestImages.encode(TestImages.photo(64, 48, 2), "png");
    Path file = dir.resolve("cut.png");
    Files.write(file, Arrays.copyOf(png, png.length / 2));
    UnreadableImageException e =
        assertThrows(UnreadableImageException.class, () -> ImageFiles.read(file));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void imageOverThePixelLimitIsRefused() throws IOException {
    Path png = TestImages.write(TestImages.photo(100, 80, 1), dir.resolve("big.png"));
    UnreadableImageException e =
        assertThrows(UnreadableImageException.class, () -> ImageFiles.read(png, 7999));
    assertTrue(e.getMessage().contains("100x80"), e.getMessage());
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
    assertEquals(100, ImageFiles.read(png, 8000).getWidth(), "exactly at the limit is fine");
  }

  @Test
  void hugeDimensionsAreRefusedBeforeDecoding() throws IOException {
    // A 60-byte PNG that claims 50000x50000 pixels and holds no image data: only a check of the
    // header, before any decoding, can report its size.
    Path bomb = dir.resolve("bomb.png");
    Files.write(bomb, pngHeaderOnly(50_000, 50_000));
    UnreadableImageException e =
        assertThrows(UnreadableImageException.class, () -> ImageFiles.read(bomb));
    assertTrue(e.getMessage().contains("50000x50000"), e.getMessage());
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
  }

  @Test
  void exifOrientationSixIsRotatedClockwise() throws IOException {
    BufferedImage stored = TestImages.split(40, 20, Color.RED, Color.BLUE);
    Path jpeg = dir.resolve("rotated.jpg");
    Files.write(jpeg, withExifOrientation(TestImages.encode(stored, "jpg"), 6));

    BufferedImage upright = ImageFiles.read(jpeg);
    assertEquals(20, upright.getWidth());
    assertEquals(40, upright.getHeight());
    for (int x = 0; x < 20; x++) {
      assertColour(Color.RED, upright, x, 5);
      assertColour(Color.BLUE, upright, x, 34);
    }
  }

  @Test
  void jpegWithoutExifIsAsStored() throws IOException {
    BufferedImage stored = TestImages.split(40, 20, Color.RED, Color.BLUE);
    Path jpeg = TestImages.write(stored, dir.resolve("plain.jpg"));
    BufferedImage read = ImageFiles.read(jpeg);
    assertEquals(40, read.getWidth());
    assertColour(Color.RED, read, 5, 10);
    assertColour(Color.BLUE, read, 34, 10);
  }

  /**
   * Where the stored pixels (0, 0), (1, 0) and (0, 1) of a 5x3 image must land for each EXIF
   * orientation (from its definition: which visual side row 0 and column 0 are on).
   */
  @ParameterizedTest(name = "orientation {0}")
  @CsvSource({
    "1, 5, 3, 0:0, 1:0, 0:1",
    "2, 5, 3, 4:0, 3:0, 4:1",
    "3, 5, 3, 4:2, 3:2, 4:1",
    "4, 5, 3, 0:2, 1:2, 0:1",
    "5, 3, 5, 0:0, 0:1, 1:0",
    "6, 3, 5, 2:0, 2:1, 1:0",
    "7, 3, 5, 2:4, 2:3, 1:4",
    "8, 3, 5, 0:4, 0:3, 1:4",
  })
  void orientationsFollowTheExifDefinition(
      int orientation, int width, int height, String origin, String right, String below) {
    BufferedImage stored = TestImages.random(5, 3, BufferedImage.TYPE_INT_RGB, 17);
    BufferedImage upright = Orientation.apply(stored, orientation);
    assertEquals(width, upright.getWidth());
    assertEquals(height, upright.getHeight());
    assertPixelMoved(stored, 0, 0, upright, origin);
    assertPixelMoved(stored, 1, 0, upright, right);
    assertPixelMoved(stored, 0, 1, upright, below);
  }

  @ParameterizedTest
  @ValueSource(strings = {"png", "bmp"})
  void losslessFormatsRoundTrip(String format) throws IOException {
    BufferedImage image = TestImages.random(13, 9, BufferedImage.TYPE_3BYTE_BGR, 21);
    Path file = dir.resolve("sub/dir/image." + format);
    ImageFiles.write(image, file);
    assertSamePixels(image, ImageFiles.read(file));
  }

  @Test
  void jpegIsWrittenAtHighQuality() throws IOException {
    BufferedImage image = TestImages.photo(64, 64, 9);
    Path file = dir.resolve("photo.JPG");
    ImageFiles.write(image, file);
    BufferedImage read = ImageFiles.read(file);
    double error = 0;
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int[] a = TestImages.rgb(image, x, y);
        int[] b = TestImages.rgb(read, x, y);
        for (int c = 0; c < 3; c++) {
          error += Math.abs(a[c] - b[c]);
        }
      }
    }
    assertTrue(error / (64 * 64 * 3) < 6, "mean absolute error " + error / (64 * 64 * 3));
  }

  @Test
  void formatFollowsTheExtension() throws IOException {
    assertEquals("jpeg", ImageFiles.formatOf(Path.of("a.jpg")));
    assertEquals("jpeg", ImageFiles.formatOf(Path.of("dir/A.JPEG")));
    assertEquals("png", ImageFiles.formatOf(Path.of("a.Png")));
    assertEquals("bmp", ImageFiles.formatOf(Path.of("a.bmp")));
    IOException e = assertThrows(IOException.class, () -> ImageFiles.formatOf(Path.of("a.gif")));
    assertTrue(e.getMessage().contains("a.gif") && e.getMessage().contains(".png"), e.getMessage());
    assertThrows(IOException.class, () -> ImageFiles.formatOf(Path.of("noextension")));
  }

  @Test
  void decodesTheSharedStyleAndContentImages() throws IOException {
    // ../shared/data beside the project root; the tests run in the module folder
    String shared =
        System.getProperty(
            "restyle.sharedData",
            Path.of("").toAbsolutePath().resolve("../../shared/data").normalize().toString());
    assumeTrue(Files.isDirectory(Path.of(shared, "content")), "no shared data at " + shared);
    for (String file : List.of("content/chicago.jpg", "content/amber.jpg", "styles/mosaic.jpg")) {
      Path path = Path.of(shared, file);
      assumeTrue(Files.isRegularFile(path), file + " is not in the shared data");
      BufferedImage image = ImageFiles.read(path);
      assertTrue(image.getWidth() > 100 && image.getHeight() > 100, file);
    }
  }

  private static void assertColour(Color expected, BufferedImage image, int x, int y) {
    int[] rgb = TestImages.rgb(image, x, y);
    int[] want = {expected.getRed(), expected.getGreen(), expected.getBlue()};
    for (int c = 0; c < 3; c++) {
      assertEquals(
          want[c],
          rgb[c],
          12,
          "pixel (" + x + ", " + y + ") is " + Arrays.toString(rgb) + ", expected " + expected);
    }
  }

  private static void assertPixelMoved(
      BufferedImage stored, int x, int y, BufferedImage upright, String target) {
    String[] xy = target.split(":");
    assertArrayEquals(
        TestImages.rgb(stored, x, y),
        TestImages.rgb(upright, Integer.parseInt(xy[0]), Integer.parseInt(xy[1])),
        "stored pixel (" + x + ", " + y + ") should be at (" + target.replace(':', ',') + ")");
  }

  /**
   * Inserts an APP1 Exif segment right after the SOI marker: a big-endian TIFF header and an IFD0
   * with the single tag Orientation (0x0112, SHORT).
   */
  public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    assertEquals(0xffd8, ((jpeg[0] & 0xff) << 8) | (jpeg[1] & 0xff), "a JPEG starts with SOI");
    ByteBuffer tiff = ByteBuffer.allocate(26); // big-endian by default
    tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8); // header, IFD0 at 8
    tiff.putShort((short) 1); // one entry
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1); // Orientation, SHORT, count 1
    tiff.putShort((short) orientation).putShort((short) 0); // value, left-justified
    tiff.putInt(0); // no next IFD
    byte[] exifHeader = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
    int length = 2 + exifHeader.length + tiff.capacity();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xff);
    out.write(0xe1);
    out.write(length >> 8);
    out.write(length & 0xff);
    out.writeBytes(exifHeader);
    out.writeBytes(tiff.array());
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /** PNG signature, an IHDR chunk (8-bit RGB) with the given size, and IEND; no IDAT. */
  private static byte[] pngHeaderOnly(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put(new byte[3]);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    out.writeBytes(chunk("IHDR", ihdr.array()));
    out.writeBytes(chunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  private static byte[] chunk(String type, byte[] data) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    return ByteBuffer.allocate(12 + data.length)
        .putInt(data.length)
        .put(name)
        .put(data)
        .putInt((int) crc.getValue())
        .array();
  }
}
