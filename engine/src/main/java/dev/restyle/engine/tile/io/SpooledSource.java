package dev.restyle.engine.tile.io;

import dev.restyle.engine.tile.PixelSource;
import dev.restyle.engine.tile.Region;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source decoded once, a band of rows at a time, into a temporary file of packed RGB (3 bytes a
 * pixel), then read a region at a time from there. Layer-by-layer stylisation reads the image twice
 * and in bands (the first layer's input, then the content for the colour options); a JPEG or PNG
 * decoder can only start at the top, so reading regions straight from the file would decode the
 * image again and again. The file is deleted on {@link #close}.
 */
public final class SpooledSource implements PixelSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpooledSource.class);

  /** Pixels decoded at once: bigger bands restart the decoder fewer times. */
  private static final long BAND_PIXELS = 8L << 20;

  private final int width;
  private final int height;
  private final FileChannel channel;

  private SpooledSource(int width, int height, FileChannel channel) {
    this.width = width;
    this.height = height;
    this.channel = channel;
  }

  /** Decodes {@code source} into a temporary file in {@code directory}. */
  public static SpooledSource of(PixelSource source, Path directory) throws IOException {
    long start = System.nanoTime();
    int width = source.width();
    int height = source.height();
    FileChannel channel = ScratchFile.create(directory, "restyle-pixels-", ".rgb");
    try {
      int band = (int) Math.max(1, Math.min(height, BAND_PIXELS / width));
      for (int y = 0; y < height; y += band) {
        int rows = Math.min(band, height - y);
        ScratchFile.write(
            channel,
            ByteBuffer.wrap(source.read(new Region(0, y, width, rows))),
            (long) y * width * 3);
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    LOG.debug(
        "decoded {}x{} into {} in {} ms",
        width,
        height,
        directory,
        (System.nanoTime() - start) / 1_000_000);
    return new SpooledSource(width, height, channel);
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
      ScratchFile.read(
          channel, buffer, ((long) (region.y() + y) * width + region.x()) * 3, "the spooled image");
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
