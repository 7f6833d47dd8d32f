package dev.restyle.engine.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.tile.io.ScratchFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer's activations for a whole image, spilled to a temporary file (deleted on close): {@code
 * height} rows of {@code width x channels} float32 values, channels last within a row, so that any
 * rows can be read back as one tensor, through {@link ScratchFile}.
 *
 * <p>Spills are made by a {@link Set}, which closes those still open and lends them one read
 * buffer: a direct buffer is freed only when the garbage collector runs, so one per spill piled up
 * hundreds of megabytes on a large image.
 */
final class RowSpill implements AutoCloseable {
  private final FileChannel channel;
  private final int width;
  private final int height;
  private final int channels;
  private final long rowBytes;
  private final Set owner;

  private RowSpill(FileChannel channel, int width, int height, int channels, Set owner) {
    this.channel = channel;
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.rowBytes = (long) width * channels * Float.BYTES;
    this.owner = owner;
  }

  /** The spills of one image, in one directory, sharing one read buffer. Not thread-safe. */
  static final class Set implements AutoCloseable {
    private final Path directory;
    private final List<RowSpill> open = new ArrayList<>();
    private ByteBuffer scratch = ByteBuffer.allocateDirect(0);

    Set(Path directory) {
      this.directory = directory;
    }

    RowSpill create(int width, int height, int channels) throws IOException {
      FileChannel channel = ScratchFile.create(directory, "restyle-layer-", ".f32");
      RowSpill spill = new RowSpill(channel, width, height, channels, this);
      open.add(spill);
      return spill;
    }

    private ByteBuffer buffer(long bytes) {
      if (scratch.capacity() < bytes) {
        scratch = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
      }
      return scratch.clear().limit(Math.toIntExact(bytes));
    }

    @Override
    public void close() throws IOException {
      for (RowSpill spill : List.copyOf(open)) {
        spill.close();
      }
    }
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
    try (NDArray hwc = nchw.transpose(0, 2, 3, 1)) {
      // libtorch's own memory where it can
      ScratchFile.write(channel, hwc.toByteBuffer(true), y * rowBytes);
    }
  }

  /**
   * Reads the given rows, in that order (a row may repeat), as (1, channels, rows.length, width) on
   * {@code manager}.
   */
  NDArray read(int[] rows, NDManager manager) throws IOException {
    ByteBuffer buffer = owner.buffer(rows.length * rowBytes);
    for (int i = 0; i < rows.length; ) {
      int run = 1;
      while (i + run < rows.length && rows[i + run] == rows[i] + run) {
        run++;
      }
      if (rows[i] < 0 || rows[i] + run > height) {
        throw new IllegalArgumentException("row " + rows[i] + " is outside 0 to " + height);
      }
      buffer.limit(Math.toIntExact((i + run) * rowBytes));
      ScratchFile.read(channel, buffer, rows[i] * rowBytes, "the spill file of a layer");
      i += run;
    }
    buffer.flip();
    // The tensor made over the buffer is only a view of it: the copy is what the caller gets.
    try (NDArray hwc =
        manager.create(buffer, new Shape(1, rows.length, width, channels), DataType.FLOAT32)) {
      return hwc.transpose(0, 3, 1, 2).duplicate();
    }
  }

  /** Deletes the file; a second close does nothing. */
  @Override
  public void close() throws IOException {
    owner.open.remove(this);
    channel.close();
  }
}
