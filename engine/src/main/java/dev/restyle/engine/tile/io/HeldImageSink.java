package dev.restyle.engine.tile.io;

import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.tile.BufferedImagePixels;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Rows gathered into one 8-bit image, encoded with ImageIO when finished (JPEG, BMP). */
final class HeldImageSink implements ImageFileSink {
  private final Path path;
  private final String format;
  private final BufferedImagePixels pixels;
  private int rows;

  HeldImageSink(Path path, String format, int width, int height) {
    this.path = path;
    this.format = format;
    this.pixels = BufferedImagePixels.blank(width, height);
  }

  @Override
  public void write(int y, int count, byte[] rgb) {
    pixels.write(y, count, rgb);
    rows = y + count;
  }

  @Override
  public void finish() throws IOException {
    if (rows != pixels.height()) {
      throw new IllegalStateException(
          "only " + rows + " of " + pixels.height() + " rows were written to " + path);
    }
    try (OutputStream out = Files.newOutputStream(path)) {
      ImageFiles.write(pixels.image(), format, out);
    }
  }

  @Override
  public void close() {}
}
