package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code torch.save}d state dict may contain: the whitelist of Python globals, the decoding
 * of storage references (persistent ids) and the check that the result is a dict of tensors.
 */
final class TorchPickle {
  /** Largest storage accepted, in elements: a guard against overflow in corrupt files. */
  private static final long MAX_STORAGE_SIZE = 1L << 40;

  /** Storage classes that are recognised, to be refused with a precise message. */
  private static final List<String> UNSUPPORTED_STORAGES =
      List.of(
          "LongStorage",
          "IntStorage",
          "ShortStorage",
          "CharStorage",
          "ByteStorage",
          "BoolStorage",
          "ComplexFloatStorage",
          "ComplexDoubleStorage",
          "QInt8Storage",
          "QUInt8Storage",
          "QInt32Storage");

  private TorchPickle() {}

  /** Reads the object pickle of a checkpoint, which must be a state dict of tensors. */
  static Map<String, TensorRef> readStateDict(InputStream in, Path source) throws IOException {
    Unpickler unpickler = new Unpickler(in, source, globals(source), pid -> storage(pid, source));
    return stateDict(unpickler.load(), source);
  }

  /**
   * The globals a state dict needs, and nothing else: the containers, the tensor rebuilding
   * functions and the floating-point storage classes.
   */
  static Map<String, Object> globals(Path source) {
    Map<String, Object> globals = new LinkedHashMap<>();
    globals.put("collections.OrderedDict", (Unpickler.Callable) args -> orderedDict(args, source));
    globals.put(
        "torch._utils._rebuild_tensor_v2",
        (Unpickler.Callable) args -> rebuildTensor(args, 6, 7, source));
    globals.put(
        "torch._utils._rebuild_tensor",
        (Unpickler.Callable) args -> rebuildTensor(args, 4, 4, source));
    globals.put(
        "torch._utils._rebuild_parameter",
        (Unpickler.Callable)
            args -> {
              if (args.size() != 3 || !(args.get(0) instanceof TensorRef data)) {
                throw new CorruptFileException(source, "malformed _rebuild_parameter arguments");
              }
              return data;
            });
    for (StorageType type : StorageType.values()) {
      globals.put("torch." + type.className(), type);
      globals.put("torch.cuda." + type.className(), type);
    }
    for (String name : UNSUPPORTED_STORAGES) {
      globals.put("torch." + name, new UnsupportedStorage("torch." + name));
      globals.put("torch.cuda." + name, new UnsupportedStorage("torch.cuda." + name));
    }
    return globals;
  }

  /** A storage class that restyle recognises but does not read. */
  private record UnsupportedStorage(String name) {}

  /**
   * {@code OrderedDict()}, as Python 3 pickles it (the items follow as {@code SETITEMS}), or {@code
   * OrderedDict([[key, value], ...])}, as Python 2 does.
   */
  private static Map<Object, Object> orderedDict(List<Object> args, Path source)
      throws CorruptFileException {
    Map<Object, Object> dict = new LinkedHashMap<>();
    if (args.isEmpty()) {
      return dict;
    }
    if (args.size() == 1 && args.get(0) instanceof List<?> items) {
      for (Object item : items) {
        if (!(item instanceof List<?> pair) || pair.size() != 2) {
          throw new CorruptFileException(source, "malformed OrderedDict item " + item);
        }
        dict.put(pair.get(0), pair.get(1));
      }
      return dict;
    }
    throw new CorruptFileException(source, "malformed OrderedDict arguments");
  }

  /**
   * {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
   * backward_hooks[, metadata])}, or the older {@code _rebuild_tensor(storage, storage_offset,
   * size, stride)}. Gradients and hooks do not matter for fixed weights.
   */
  private static TensorRef rebuildTensor(List<Object> args, int min, int max, Path source)
      throws CorruptFileException {
    if (args.size() < min
        || args.size() > max
        || !(args.get(0) instanceof StorageRef storage)
        || !(args.get(1) instanceof Long offset)) {
      throw new CorruptFileException(source, "malformed tensor in the pickle: " + args);
    }
    long[] size = longs(args.get(2), source);
    long[] stride = longs(args.get(3), source);
    if (size.length != stride.length) {
      throw new CorruptFileException(
          source, "tensor has " + size.length + " sizes but " + stride.length + " strides");
    }
    return new TensorRef(storage, offset, size, stride);
  }

  private static long[] longs(Object tuple, Path source) throws CorruptFileException {
    if (!(tuple instanceof List<?> list)) {
      throw new CorruptFileException(source, "tensor shape is not a tuple: " + tuple);
    }
    long[] values = new long[list.size()];
    for (int i = 0; i < values.length; i++) {
      if (!(list.get(i) instanceof Long value)) {
        throw new CorruptFileException(source, "tensor shape holds a non-integer: " + tuple);
      }
      values[i] = value;
    }
    return values;
  }

  /**
   * Decodes a persistent id: {@code ('storage', storage_type, key, location, numel)} in the zip
   * format, {@code ('storage', storage_type, key, location, numel, view_metadata)} in the legacy
   * format, where {@code view_metadata} is {@code None} or {@code (view_key, offset, size)}.
   */
  static StorageRef storage(Object pid, Path source) throws CorruptFileException {
    if (!(pid instanceof List<?> id)
        || (id.size() != 5 && id.size() != 6)
        || !"storage".equals(id.get(0))
        || !(id.get(2) instanceof String key)
        || !(id.get(4) instanceof Long size)
        || size < 0
        || size > MAX_STORAGE_SIZE) {
      throw new CorruptFileException(source, "unsupported persistent id in the pickle: " + pid);
    }
    if (id.get(1) instanceof UnsupportedStorage unsupported) {
      throw new CorruptFileException(
          source,
          "storage "
              + key
              + " is a "
              + unsupported.name()
              + ": only floating-point tensors (float32, float16, bfloat16, float64) are"
              + " supported");
    }
    if (!(id.get(1) instanceof StorageType type)) {
      throw new CorruptFileException(source, "storage " + key + " has no storage type");
    }
    if (id.size() == 6 && id.get(5) != null) {
      if (!(id.get(5) instanceof List<?> view)
          || view.size() != 3
          || !(view.get(1) instanceof Long offset)
          || !(view.get(2) instanceof Long viewSize)
          || offset < 0
          || viewSize < 0
          || offset + viewSize > size) {
        throw new CorruptFileException(source, "malformed storage view of storage " + key);
      }
      return new StorageRef(key, type, size, offset, viewSize);
    }
    return new StorageRef(key, type, size, 0, size);
  }

  /**
   * The storages that some tensors use, by key, each with its whole extent (not a view's).
   *
   * @throws CorruptFileException when two references to one storage disagree on its type or size
   */
  static Map<String, StorageRef> storagesOf(Collection<TensorRef> tensors, Path source)
      throws CorruptFileException {
    Map<String, StorageRef> storages = new LinkedHashMap<>();
    for (TensorRef tensor : tensors) {
      StorageRef s = tensor.storage();
      StorageRef whole = new StorageRef(s.key(), s.type(), s.size(), 0, s.size());
      StorageRef seen = storages.putIfAbsent(s.key(), whole);
      if (seen != null && !seen.equals(whole)) {
        throw new CorruptFileException(
            source, "storage " + s.key() + " is referenced with different types or sizes");
      }
    }
    return storages;
  }

  private static Map<String, TensorRef> stateDict(Object root, Path source)
      throws CorruptFileException {
    if (!(root instanceof Map<?, ?> map)) {
      throw new CorruptFileException(
          source, "expected a state dict (a dict of tensors) but the file holds something else");
    }
    Map<String, TensorRef> tensors = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef tensor)) {
        throw new CorruptFileException(
            source,
            "expected a state dict of tensors, but entry '"
                + e.getKey()
                + "' is "
                + (e.getValue() == null ? "None" : "a " + e.getValue().getClass().getSimpleName()));
      }
      tensors.put(name, tensor);
    }
    return tensors;
  }
}
