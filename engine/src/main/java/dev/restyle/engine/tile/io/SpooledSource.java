package dev.restyle.engine.tile.io;

import dev.restyle.engine.tile.PixelSource;
import dev.restyle.engine.tile.Region;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source decoded once, a band of rows at a time, into a temporary file of packed RGB (3 bytes a
 * pixel), then read a region at a time from there. Tiled stylisation reads every pixel several
 * times (statistics passes, then the tiles, each with its overlap); a JPEG or PNG decoder can only
 * start at the top, so reading regions straight from the file would decode the image again and
 * again. The file is deleted on {@link #close}.
 */
public final class SpooledSource implements PixelSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpooledSource.class);

  /** Pixels decoded at once: bigger bands restart the decoder fewer times. */
  private static final long BAND_PIXELS = 8L << 20;

  private final int width;
  private final int height;
  private final Path file;
  private final FileChannel channel;

  private SpooledSource(int width, int height, Path file, FileChannel channel) {
    this.width = width;
    this.height = height;
    this.file = file;
    this.channel = channel;
  }

  /** Decodes {@code source} into a temporary file in {@code directory}. */
  public static SpooledSource of(PixelSource source, Path directory) throws IOException {
    long start = System.nanoTime();
    int width = source.width();
    int height = source.height();
    Path file = Files.createTempFile(directory, "restyle-pixels-", ".rgb");
    FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.DELETE_ON_CLOSE);
    try {
      int band = (int) Math.max(1, Math.min(height, BAND_PIXELS / width));
      for (int y = 0; y < height; y += band) {
        int rows = Math.min(band, height - y);
        ByteBuffer pixels = ByteBuffer.wrap(source.read(new Region(0, y, width, rows)));
        long at = (long) y * width * 3;
        while (pixels.hasRemaining()) {
          at += channel.write(pixels, at);
        }
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(file);
      throw e;
    }
    LOG.debug(
        "decoded {}x{} into {} in {} ms",
        width,
        height,
        file,
        (System.nanoTime() - start) / 1_000_000);
    return new SpooledSource(width, height, file, channel);
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public byte[] read(Region region) throws IOException {
    PixelSource.checkInside(region, width, height);
    int rowBytes = region.width() * 3;
    byte[] out = new byte[Math.multiplyExact(rowBytes, region.height())];
    ByteBuffer buffer = ByteBuffer.wrap(out);
    for (int y = 0; y < region.height(); y++) {
      buffer.limit((y + 1) * rowBytes);
      long at = ((long) (region.y() + y) * width + region.x()) * 3;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, at);
        if (n < 0) {
          throw new IOException(file + " ended early");
        }
        at += n;
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
  }
}
