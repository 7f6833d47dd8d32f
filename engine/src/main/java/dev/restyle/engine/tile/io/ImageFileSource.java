package dev.restyle.engine.tile.io;

import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.Orientation;
import dev.restyle.engine.image.UnreadableImageException;
import dev.restyle.engine.tile.PixelSource;
import dev.restyle.engine.tile.Region;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An image file read a region at a time (ImageIO source regions): only the region's pixels are ever
 * held, whatever the image's size. EXIF orientation is honoured: regions are of the upright image.
 * Each read decodes the file from its start to the region's last row (JPEG and PNG cannot seek), so
 * reading a whole image in {@code n} bands decodes about {@code n / 2} images' worth; memory stays
 * that of a band. Progressive JPEGs are the exception: their decoder holds the whole image's
 * coefficients.
 */
public final class ImageFileSource implements PixelSource, AutoCloseable {
  private final Path path;
  private final ImageInputStream in;
  private final ImageReader reader;
  private final int orientation;
  private final int storedWidth;
  private final int storedHeight;

  private ImageFileSource(
      Path path, ImageInputStream in, ImageReader reader, int orientation, int w, int h) {
    this.path = path;
    this.in = in;
    this.reader = reader;
    this.orientation = orientation;
    this.storedWidth = w;
    this.storedHeight = h;
  }

  /**
   * Opens an image file, reading only its header.
   *
   * @throws UnreadableImageException if the file is missing, not an image, or larger than {@code
   *     maxPixels}
   */
  public static ImageFileSource open(Path path, long maxPixels) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new UnreadableImageException(path + ": no such file");
    }
    ImageInputStream in = ImageIO.createImageInputStream(path.toFile());
    try {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new UnreadableImageException(path + ": not an image (no decoder recognises it)");
      }
      ImageReader reader = readers.next();
      reader.setInput(in, true, true);
      int w;
      int h;
      try {
        w = reader.getWidth(0);
        h = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        reader.dispose();
        throw new UnreadableImageException(path + ": corrupt image (" + e.getMessage() + ")", e);
      }
      if ((long) w * h > maxPixels) {
        reader.dispose();
        throw new UnreadableImageException(
            String.format(
                Locale.ROOT,
                "%s: image of %dx%d is larger than the limit of %d pixels",
                path,
                w,
                h,
                maxPixels));
      }
      return new ImageFileSource(path, in, reader, ImageFiles.exifOrientation(path), w, h);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  @Override
  public int width() {
    return Orientation.swapsSides(orientation) ? storedHeight : storedWidth;
  }

  @Override
  public int height() {
    return Orientation.swapsSides(orientation) ? storedWidth : storedHeight;
  }

  @Override
  public byte[] read(Region region) throws IOException {
    PixelSource.checkInside(region, width(), height());
    int[] stored =
        Orientation.storedRegion(
            orientation,
            region.x(),
            region.y(),
            region.width(),
            region.height(),
            storedWidth,
            storedHeight);
    ImageReadParam param = reader.getDefaultReadParam();
    param.setSourceRegion(new java.awt.Rectangle(stored[0], stored[1], stored[2], stored[3]));
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    BufferedImage piece;
    try {
      piece = reader.read(0, param);
    } catch (IOException | RuntimeException e) {
      throw new UnreadableImageException(path + ": corrupt image (" + e.getMessage() + ")", e);
    } finally {
      reader.removeAllIIOReadWarningListeners();
    }
    if (!warnings.isEmpty()) {
      throw new UnreadableImageException(path + ": corrupt image (" + warnings.get(0) + ")");
    }
    return packedRgb(Orientation.apply(piece, orientation));
  }

  /** An image's pixels as packed RGB. */
  static byte[] packedRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    int[] row = new int[w];
    int i = 0;
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int rgb : row) {
        out[i++] = (byte) (rgb >> 16);
        out[i++] = (byte) (rgb >> 8);
        out[i++] = (byte) rgb;
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    reader.dispose();
    in.close();
  }
}
