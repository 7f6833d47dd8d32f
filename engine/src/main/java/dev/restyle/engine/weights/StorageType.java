package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The floating-point element types of PyTorch storages that restyle reads, all converted to float32
 * on load. A pickle names them by class ({@code torch.FloatStorage} and so on).
 */
enum StorageType {
  FLOAT32("FloatStorage", 4),
  FLOAT16("HalfStorage", 2),
  BFLOAT16("BFloat16Storage", 2),
  FLOAT64("DoubleStorage", 8);

  private static final int CHUNK = 1 << 20;

  private final String className;
  private final int elementSize;

  StorageType(String className, int elementSize) {
    this.className = className;
    this.elementSize = elementSize;
  }

  /** Python class name within {@code torch} (and {@code torch.cuda}), e.g. {@code FloatStorage}. */
  String className() {
    return className;
  }

  int elementSize() {
    return elementSize;
  }

  /**
   * Reads {@code count} little-endian elements from {@code in} as floats.
   *
   * @param source the file being read, for error messages
   */
  float[] read(InputStream in, long count, Path source) throws IOException {
    if (count < 0 || count > Integer.MAX_VALUE - 8) {
      throw new CorruptFileException(source, "implausible storage size of " + count + " elements");
    }
    float[] values = new float[(int) count];
    byte[] chunk = new byte[(int) Math.min(CHUNK, count * elementSize)];
    ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    int done = 0;
    while (done < values.length) {
      int n = Math.min(chunk.length / elementSize, values.length - done);
      if (in.readNBytes(chunk, 0, n * elementSize) != n * elementSize) {
        throw new CorruptFileException(source, "file is truncated (inside tensor data)");
      }
      decode(buffer, values, done, n);
      done += n;
    }
    return values;
  }

  private void decode(ByteBuffer buffer, float[] values, int offset, int n) {
    switch (this) {
      case FLOAT32 -> buffer.asFloatBuffer().get(values, offset, n);
      case FLOAT16 -> {
        for (int i = 0; i < n; i++) {
          values[offset + i] = Float.float16ToFloat(buffer.getShort(2 * i));
        }
      }
      case BFLOAT16 -> {
        for (int i = 0; i < n; i++) {
          values[offset + i] = Float.intBitsToFloat((buffer.getShort(2 * i) & 0xffff) << 16);
        }
      }
      case FLOAT64 -> {
        for (int i = 0; i < n; i++) {
          values[offset + i] = (float) buffer.getDouble(8 * i);
        }
      }
    }
  }
}
