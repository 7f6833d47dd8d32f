package dev.restyle.engine.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A float32 tensor held on the Java heap, independent of any engine: what network files and
 * checkpoints store.
 */
public record Tensor(long[] shape, float[] data) {

  public Tensor {
    long size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
    }
  }

  public static Tensor of(NDArray array) {
    NDArray floats =
        array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
    return new Tensor(array.getShape().getShape(), floats.toFloatArray());
  }

  /**
   * The tensor in {@code manager}, copied into libtorch's own (aligned) memory: wrapping a Java
   * buffer would make results depend on that buffer's alignment and break bit-exact resumes.
   */
  public NDArray toNDArray(NDManager manager) {
    try (NDManager scope = manager.newSubManager()) {
      NDArray wrapped = scope.create(FloatBuffer.wrap(data), new Shape(shape));
      NDArray copy = wrapped.duplicate();
      copy.attach(manager);
      return copy;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
