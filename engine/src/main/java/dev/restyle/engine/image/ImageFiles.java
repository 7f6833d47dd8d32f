package dev.restyle.engine.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Decodes and encodes images: any format ImageIO reads in (JPEG, PNG, BMP, GIF), EXIF orientation
 * applied, dimensions checked before decoding so a small file cannot expand into gigabytes.
 */
public final class ImageFiles {
  /** Default pixel limit: 64 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 64L << 20;

  private ImageFiles() {}

  public static BufferedImage read(Path path) throws IOException {
    return read(path, DEFAULT_MAX_PIXELS);
  }

  public static BufferedImage read(Path path, long maxPixels) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new UnreadableImageException(path + ": no such file");
    }
    try {
      return decode(bytes, maxPixels);
    } catch (UnreadableImageException e) {
      throw new UnreadableImageException(path + ": " + e.getMessage(), e);
    }
  }

  /** Decodes an encoded image held in memory, honouring its EXIF orientation. */
  public static BufferedImage decode(byte[] bytes, long maxPixels) throws IOException {
    BufferedImage image;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new UnreadableImageException("not an image (no decoder recognises it)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > maxPixels) {
          throw new UnreadableImageException(
              String.format(
                  Locale.ROOT,
                  "image of %dx%d is larger than the limit of %d pixels",
                  reader.getWidth(0),
                  reader.getHeight(0),
                  maxPixels));
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new UnreadableImageException("corrupt image (" + warnings.get(0) + ")");
        }
      } finally {
        reader.dispose();
      }
    } catch (UnreadableImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new UnreadableImageException("corrupt image (" + e.getMessage() + ")", e);
    }
    return Orientation.apply(image, exifOrientation(bytes));
  }

  /** The EXIF orientation (1 to 8) of an image file; 1 when it has none. */
  public static int exifOrientation(Path path) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      return exifOrientation(in);
    } catch (IOException e) {
      return 1;
    }
  }

  private static int exifOrientation(byte[] bytes) {
    return exifOrientation(new ByteArrayInputStream(bytes));
  }

  private static int exifOrientation(InputStream in) {
    try {
      Metadata metadata = ImageMetadataReader.readMetadata(in);
      ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
      if (exif != null && exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
        return exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
      }
    } catch (ImageProcessingException | IOException | MetadataException e) {
      // No readable EXIF: the image is shown as stored.
    }
    return 1;
  }

  /** Writes an image; the format follows the extension (jpg, jpeg, png, bmp). */
  public static void write(BufferedImage image, Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    try (OutputStream out = Files.newOutputStream(path)) {
      write(image, formatOf(path), out);
    }
  }

  /** Encodes to a stream in the named format (jpeg, png, bmp); JPEG at quality 0.95. */
  public static void write(BufferedImage image, String format, OutputStream out)
      throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    if (!writers.hasNext()) {
      throw new IOException("no encoder for image format " + format);
    }
    ImageWriter writer = writers.next();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format.equals("jpeg")) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  /** Image format implied by a file name. */
  public static String formatOf(Path path) throws IOException {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
      return "jpeg";
    }
    if (name.endsWith(".png")) {
      return "png";
    }
    if (name.endsWith(".bmp")) {
      return "bmp";
    }
    throw new IOException(
        "cannot tell the image format of " + path + ": use .jpg, .jpeg, .png or .bmp");
  }
}
