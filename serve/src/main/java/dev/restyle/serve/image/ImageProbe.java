package dev.restyle.serve.image;

import dev.restyle.engine.image.UnreadableImageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reads an encoded image's format and dimensions from its header, without decoding pixels. */
public final class ImageProbe {
  private ImageProbe() {}

  /** What the header says. */
  public record Header(String format, int width, int height) {
    public long pixels() {
      return (long) width * height;
    }
  }

  /**
   * @throws UnreadableImageException if no decoder recognises the bytes or the header is broken
   */
  public static Header read(byte[] bytes) throws UnreadableImageException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new UnreadableImageException(
            "not an image (no decoder recognises it; send JPEG, PNG, BMP or GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new Header(reader.getFormatName(), reader.getWidth(0), reader.getHeight(0));
      } finally {
        reader.dispose();
      }
    } catch (UnreadableImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new UnreadableImageException("corrupt image header (" + e.getMessage() + ")", e);
    }
  }
}
