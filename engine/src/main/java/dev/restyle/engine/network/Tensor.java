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

  public NDArray toNDArray(NDManager manager) {
    return manager.create(FloatBuffer.wrap(data), new Shape(shape));
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
