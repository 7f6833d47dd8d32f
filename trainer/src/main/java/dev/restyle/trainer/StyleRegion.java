package dev.restyle.trainer;

import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.image.Resize;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The part of a style image that a style is learnt from, in the image's own pixels: a painting's
 * detail rather than the whole canvas (The Great Wave's wave without the empty sky beside it), as
 * published style networks are often trained. Written in a training config as {@code styleRegion:
 * {x: 0, y: 0, width: 560, height: 514}}, on the command line as {@code --style-region
 * 0,0,560,514}.
 *
 * @param x left edge
 * @param y top edge
 * @param width width in pixels
 * @param height height in pixels
 */
public record StyleRegion(int x, int y, int width, int height) {
  private static final Pattern TEXT =
      Pattern.compile("\\s*(\\d{1,6}),(\\d{1,6}),(\\d{1,6}),(\\d{1,6})\\s*");

  public StyleRegion {
    if (x < 0 || y < 0 || width < 16 || height < 16) {
      throw new IllegalArgumentException(
          "a style region needs x, y >= 0 and a width and height of at least 16 pixels, got "
              + text(x, y, width, height));
    }
  }

  /** Parses {@code X,Y,WIDTH,HEIGHT}. */
  public static StyleRegion parse(String text) {
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "a style region is X,Y,WIDTH,HEIGHT in the image's pixels, got '" + text + "'");
    }
    return new StyleRegion(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)),
        Integer.parseInt(m.group(4)));
  }

  /**
   * Why the region does not fit in the image {@code file}, read from its header only; empty when it
   * fits or when the file cannot be read (reading it later says why).
   */
  public Optional<String> misfit(Path file) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return Optional.empty();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        return misfit(reader.getWidth(0), reader.getHeight(0), file);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Optional<String> misfit(int imageWidth, int imageHeight, Path file) {
    return x + width <= imageWidth && y + height <= imageHeight
        ? Optional.empty()
        : Optional.of(
            "style region "
                + this
                + " does not fit in "
                + file
                + " ("
                + imageWidth
                + "x"
                + imageHeight
                + ")");
  }

  /** A copy of the region of {@code image}, which must contain it. */
  public BufferedImage of(BufferedImage image, Path file) {
    misfit(image.getWidth(), image.getHeight(), file)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException(why);
            });
    // a copy: a subimage shares its parent's raster, which code reading pixel buffers misreads
    return ImageTensors.asThreeByteBgr(image.getSubimage(x, y, width, height));
  }

  /**
   * Reads a style image as training sees it: the region of it (all of it when {@code region} is
   * null), resized so that its longer side is {@code size}.
   */
  public static BufferedImage read(Path file, StyleRegion region, int size) throws IOException {
    BufferedImage image = ImageFiles.read(file);
    return Resize.longerSide(region == null ? image : region.of(image, file), size);
  }

  @Override
  public String toString() {
    return text(x, y, width, height);
  }

  private static String text(int x, int y, int width, int height) {
    return x + "," + y + "," + width + "," + height;
  }
}
