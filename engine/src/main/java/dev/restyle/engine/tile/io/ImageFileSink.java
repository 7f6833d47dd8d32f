package dev.restyle.engine.tile.io;

import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.tile.PixelSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An image file written by tiled stylisation. {@link #finish} completes it once every row is in;
 * {@link #close} without it leaves no file behind.
 */
public interface ImageFileSink extends PixelSink, AutoCloseable {
  /** Completes the file. */
  void finish() throws IOException;

  @Override
  void close() throws IOException;

  /**
   * A sink for a file whose format follows its extension: PNG streams its rows out as they come
   * ({@link PngRowWriter}); JPEG and BMP are held as 8-bit pixels (3 bytes a pixel) and encoded at
   * {@link #finish}, as ImageIO's encoders take a whole raster.
   */
  static ImageFileSink open(Path path, int width, int height) throws IOException {
    String format = ImageFiles.formatOf(path);
    Path parent = path.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    return format.equals("png")
        ? new PngRowWriter(path, width, height)
        : new HeldImageSink(path, format, width, height);
  }
}
