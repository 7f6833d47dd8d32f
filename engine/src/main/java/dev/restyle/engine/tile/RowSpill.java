package dev.restyle.engine.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One layer's activations for a whole image, spilled to a temporary file (deleted on close): {@code
 * height} rows of {@code width x channels} float32 values, channels last within a row, so that any
 * rows can be read back as one tensor. Reads and writes go through positional file I/O, not a
 * mapping: the data sits in the page cache, not in the process's resident memory.
 */
final class RowSpill implements AutoCloseable {
  private final FileChannel channel;
  private final int width;
  private final int height;
  private final int channels;
  private final long rowBytes;
  private ByteBuffer scratch = ByteBuffer.allocateDirect(0);

  private RowSpill(FileChannel channel, int width, int height, int channels) {
    this.channel = channel;
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.rowBytes = (long) width * channels * Float.BYTES;
  }

  static RowSpill create(Path directory, int width, int height, int channels) throws IOException {
    Path file = Files.createTempFile(directory, "restyle-layer-", ".f32");
    FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.DELETE_ON_CLOSE);
    return new RowSpill(channel, width, height, channels);
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  int channels() {
    return channels;
  }

  /**
   * Writes rows from {@code y} on.
   *
   * @param nchw (1, channels, rows, width)
   */
  void write(int y, NDArray nchw) throws IOException {
    Shape s = nchw.getShape();
    if (s.get(0) != 1 || s.get(1) != channels || s.get(3) != width || y + s.get(2) > height) {
      throw new IllegalArgumentException(
          "rows " + s + " at " + y + " do not fit " + channels + "x" + height + "x" + width);
    }
    ByteBuffer bytes;
    try (NDArray hwc = nchw.transpose(0, 2, 3, 1)) {
      bytes = hwc.toByteBuffer();
    }
    long position = y * rowBytes;
    while (bytes.hasRemaining()) {
      position += channel.write(bytes, position);
    }
  }

  /**
   * Reads the given rows, in that order (a row may repeat), as (1, channels, rows.length, width) on
   * {@code manager}.
   */
  NDArray read(int[] rows, NDManager manager) throws IOException {
    long bytes = rows.length * rowBytes;
    if (scratch.capacity() < bytes) {
      scratch = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }
    ByteBuffer buffer = scratch.clear().limit(Math.toIntExact(bytes));
    for (int i = 0; i < rows.length; ) {
      int run = 1;
      while (i + run < rows.length && rows[i + run] == rows[i] + run) {
        run++;
      }
      if (rows[i] < 0 || rows[i] + run > height) {
        throw new IllegalArgumentException("row " + rows[i] + " is outside 0 to " + height);
      }
      buffer.limit(Math.toIntExact((i + run) * rowBytes));
      long position = rows[i] * rowBytes;
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer, position);
        if (read < 0) {
          throw new IOException("the spill file ended before row " + (rows[i] + run));
        }
        position += read;
      }
      i += run;
    }
    buffer.flip();
    try (NDArray hwc =
        manager.create(buffer, new Shape(1, rows.length, width, channels), DataType.FLOAT32)) {
      return hwc.transpose(0, 3, 1, 2).duplicate();
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
