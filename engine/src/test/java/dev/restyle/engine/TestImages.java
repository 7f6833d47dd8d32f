package dev.restyle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Small synthetic images for tests, so that no test depends on image files being present. */
public final class TestImages {
  private TestImages() {}

  /** Independent uniformly random 8-bit channels. */
  public static BufferedImage random(int width, int height, int type, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, 0xff000000 | random.nextInt(1 << 24));
      }
    }
    return image;
  }

  /** One colour everywhere. */
  public static BufferedImage solid(int width, int height, Color colour) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, colour.getRGB());
      }
    }
    return image;
  }

  /** Left half {@code left}, right half {@code right}. */
  public static BufferedImage split(int width, int height, Color left, Color right) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x < width / 2 ? left : right).getRGB());
      }
    }
    return image;
  }

  /**
   * A photo-like image: smooth colour gradients in a direction that depends on the seed, plus mild
   * noise. Different seeds give visibly different images.
   */
  public static BufferedImage photo(int width, int height, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double angle = random.nextDouble(2 * Math.PI);
    double dx = Math.cos(angle) / width;
    double dy = Math.sin(angle) / height;
    int[] phase = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double t = x * dx + y * dy;
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          double wave = 127.5 + 100 * Math.sin(2 * Math.PI * (t * (c + 1)) + phase[c]);
          rgb = rgb << 8 | clamp(wave + random.nextInt(-12, 13));
        }
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  /** Diagonal stripes of two saturated colours: a texture to use as a style image. */
  public static BufferedImage stripes(int width, int height, int period) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, ((x + y) / period) % 2 == 0 ? 0xe03010 : 0x1040c0);
      }
    }
    return image;
  }

  /** Encodes an image in a format ImageIO writes (png, jpg, bmp). */
  public static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalArgumentException("ImageIO cannot write " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes an image, the format following the file's extension. */
  public static Path write(BufferedImage image, Path file) throws IOException {
    String name = file.getFileName().toString();
    Files.write(file, encode(image, name.substring(name.lastIndexOf('.') + 1)));
    return file;
  }

  /** A JPEG cut off in the middle of its entropy-coded data (half of its bytes). */
  public static Path truncatedJpeg(Path file) throws IOException {
    byte[] jpeg = encode(photo(64, 48, 3), "jpg");
    Files.write(file, Arrays.copyOf(jpeg, jpeg.length / 2));
    return file;
  }

  /** Fails unless both images have the same size and the same RGB value at every pixel. */
  public static void assertSamePixels(BufferedImage expected, BufferedImage actual) {
    assertEquals(expected.getWidth(), actual.getWidth(), "width");
    assertEquals(expected.getHeight(), actual.getHeight(), "height");
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        int e = expected.getRGB(x, y) & 0xffffff;
        int a = actual.getRGB(x, y) & 0xffffff;
        if (e != a) {
          fail(String.format("pixel (%d, %d): expected #%06x, got #%06x", x, y, e, a));
        }
      }
    }
  }

  /** Red, green and blue of a pixel, 0 to 255. */
  public static int[] rgb(BufferedImage image, int x, int y) {
    int p = image.getRGB(x, y);
    return new int[] {p >> 16 & 0xff, p >> 8 & 0xff, p & 0xff};
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
