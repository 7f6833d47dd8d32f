package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a strided view of a storage into a dense row-major {@link Tensor}: a plain copy (or no copy
 * at all) when the view is contiguous, a gather otherwise.
 */
final class TensorAssembler {
  private TensorAssembler() {}

  /**
   * Assembles every tensor of a state dict.
   *
   * @param tensors the views, by key
   * @param storages the values of every storage they use, by storage key
   * @param source the file being read, for error messages
   */
  static Map<String, Tensor> assembleAll(
      Map<String, TensorRef> tensors, Map<String, float[]> storages, Path source)
      throws CorruptFileException {
    Map<String, Integer> users = new HashMap<>();
    for (TensorRef ref : tensors.values()) {
      users.merge(ref.storage().key(), 1, Integer::sum);
    }
    Map<String, Tensor> result = new LinkedHashMap<>();
    for (Map.Entry<String, TensorRef> e : tensors.entrySet()) {
      String key = e.getValue().storage().key();
      float[] storage = storages.get(key);
      if (storage == null) {
        throw new CorruptFileException(source, "the data of storage " + key + " is missing");
      }
      result.put(
          e.getKey(), assemble(e.getKey(), e.getValue(), storage, users.get(key) == 1, source));
    }
    return result;
  }

  /**
   * Assembles one tensor.
   *
   * @param name the tensor's key, for error messages
   * @param ref the view
   * @param storage the whole storage's values
   * @param exclusive whether no other tensor uses {@code storage}, so that a view spanning all of
   *     it may take the array itself
   * @param source the file being read, for error messages
   */
  static Tensor assemble(
      String name, TensorRef ref, float[] storage, boolean exclusive, Path source)
      throws CorruptFileException {
    long[] size = ref.size();
    long[] stride = ref.stride();
    long count = 1;
    long last = 0;
    for (int d = 0; d < size.length; d++) {
      if (size[d] < 0 || stride[d] < 0) {
        throw new CorruptFileException(
            source, "tensor " + name + " has a negative size or stride: " + describe(ref));
      }
      count = multiply(count, size[d], name, source);
      if (size[d] > 0) {
        last = add(last, multiply(size[d] - 1, stride[d], name, source), name, source);
      }
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new CorruptFileException(source, "tensor " + name + " is too large: " + describe(ref));
    }
    if (count == 0) {
      return new Tensor(size.clone(), new float[0]);
    }
    StorageRef s = ref.storage();
    long first = s.viewOffset() + ref.offset();
    if (ref.offset() < 0 || ref.offset() + last >= s.viewSize() || first + last >= storage.length) {
      throw new CorruptFileException(
          source,
          "tensor "
              + name
              + " reaches beyond its storage of "
              + s.viewSize()
              + " elements: "
              + describe(ref));
    }
    int start = (int) first;
    if (isContiguous(size, stride)) {
      if (exclusive && start == 0 && count == storage.length) {
        return new Tensor(size.clone(), storage);
      }
      return new Tensor(size.clone(), Arrays.copyOfRange(storage, start, start + (int) count));
    }
    return new Tensor(size.clone(), gather(storage, start, size, stride, (int) count));
  }

  /** Row-major order, ignoring the strides of axes of length 1 (as PyTorch does). */
  private static boolean isContiguous(long[] size, long[] stride) {
    long expected = 1;
    for (int d = size.length - 1; d >= 0; d--) {
      if (size[d] != 1 && stride[d] != expected) {
        return false;
      }
      expected *= size[d];
    }
    return true;
  }

  private static float[] gather(float[] storage, int start, long[] size, long[] stride, int count) {
    float[] values = new float[count];
    int rank = size.length;
    long[] index = new long[rank];
    long position = start;
    for (int i = 0; i < count; i++) {
      values[i] = storage[(int) position];
      // Odometer: advance the last axis, carrying into earlier ones
      for (int d = rank - 1; d >= 0; d--) {
        index[d]++;
        position += stride[d];
        if (index[d] < size[d]) {
          break;
        }
        position -= stride[d] * size[d];
        index[d] = 0;
      }
    }
    return values;
  }

  private static long multiply(long a, long b, String name, Path source)
      throws CorruptFileException {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new CorruptFileException(source, "tensor " + name + " has an absurd shape");
    }
  }

  private static long add(long a, long b, String name, Path source) throws CorruptFileException {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new CorruptFileException(source, "tensor " + name + " has absurd strides");
    }
  }

  private static String describe(TensorRef ref) {
    return "offset "
        + ref.offset()
        + ", size "
        + Arrays.toString(ref.size())
        + ", stride "
        + Arrays.toString(ref.stride());
  }
}
