package dev.restyle.engine.tile.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes an 8-bit RGB PNG a row at a time (PNG specification, ISO/IEC 15948): each row is filtered
 * (Paeth, against the row before) and deflated straight into IDAT chunks, so only two rows and the
 * compressor's window are held whatever the image's size.
 */
final class PngRowWriter implements ImageFileSink {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int CHUNK = 1 << 16;

  private final Path path;
  private final int width;
  private final int height;
  private final DataOutputStream file;
  private final DeflaterOutputStream deflated;
  private final Deflater deflater = new Deflater(6);
  private byte[] previous;
  private final byte[] filtered;
  private int nextRow;
  private boolean finished;

  PngRowWriter(Path path, int width, int height) throws IOException {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    this.path = path;
    this.width = width;
    this.height = height;
    this.previous = new byte[width * 3];
    this.filtered = new byte[width * 3 + 1];
    this.file = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path), CHUNK));
    file.write(SIGNATURE);
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    h.writeInt(width);
    h.writeInt(height);
    h.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit, RGB, deflate, adaptive filters, no interlace
    chunk(file, "IHDR", header.toByteArray(), header.size());
    this.deflated = new DeflaterOutputStream(new IdatStream(file), deflater, CHUNK);
  }

  @Override
  public void write(int y, int rows, byte[] rgb) throws IOException {
    int stride = width * 3;
    if (y != nextRow || y + rows > height || rgb.length != rows * stride) {
      throw new IllegalArgumentException(
          "expected rows from " + nextRow + " of a " + width + "x" + height + " image");
    }
    for (int r = 0; r < rows; r++) {
      int base = r * stride;
      filtered[0] = 4; // Paeth
      for (int i = 0; i < stride; i++) {
        int a = i >= 3 ? rgb[base + i - 3] & 0xff : 0;
        int b = previous[i] & 0xff;
        int c = i >= 3 ? previous[i - 3] & 0xff : 0;
        filtered[i + 1] = (byte) (rgb[base + i] - paeth(a, b, c));
      }
      deflated.write(filtered);
      System.arraycopy(rgb, base, previous, 0, stride);
    }
    nextRow = y + rows;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }

  @Override
  public void finish() throws IOException {
    if (nextRow != height) {
      throw new IllegalStateException(
          "only " + nextRow + " of " + height + " rows were written to " + path);
    }
    deflated.finish();
    deflated.flush();
    chunk(file, "IEND", new byte[0], 0);
    file.close();
    deflater.end();
    finished = true;
  }

  @Override
  public void close() throws IOException {
    if (!finished) {
      deflater.end();
      file.close();
      Files.deleteIfExists(path);
    }
  }

  private static void chunk(DataOutputStream out, String type, byte[] data, int length)
      throws IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data, 0, length);
    out.writeInt(length);
    out.write(name);
    out.write(data, 0, length);
    out.writeInt((int) crc.getValue());
  }

  /** Cuts the compressed stream into IDAT chunks. */
  private static final class IdatStream extends OutputStream {
    private final DataOutputStream out;
    private final byte[] buffer = new byte[CHUNK];
    private int used;

    IdatStream(DataOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = Math.min(len, CHUNK - used);
        System.arraycopy(b, off, buffer, used, n);
        used += n;
        off += n;
        len -= n;
        if (used == CHUNK) {
          flush();
        }
      }
    }

    @Override
    public void flush() throws IOException {
      if (used > 0) {
        chunk(out, "IDAT", buffer, used);
        used = 0;
      }
    }
  }
}
