package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.Tensor;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The legacy layout of {@code torch.save} (before PyTorch 1.6, and torchvision's older weights):
 * consecutive pickles of the magic number, the protocol version 1001, a {@code sys_info} dict and
 * the state dict; then a pickled list of storage keys; then, for each key in that order, an 8-byte
 * little-endian element count followed by the storage's raw little-endian data.
 */
final class LegacyCheckpoint {
  static final BigInteger MAGIC_NUMBER = new BigInteger("1950a86a20f9469cfc6c", 16);
  static final long PROTOCOL_VERSION = 1001;

  private LegacyCheckpoint() {}

  /** Reads the tensors whose keys {@code wanted} accepts, skipping the other storages' data. */
  static Map<String, Tensor> read(Path path, Predicate<String> wanted) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      checkHeader(in, path);
      Map<String, TensorRef> all = TorchPickle.readStateDict(in, path);
      Map<String, StorageRef> stored = TorchPickle.storagesOf(all.values(), path);
      Map<String, TensorRef> tensors = TorchCheckpointReader.select(all, wanted);
      Map<String, StorageRef> needed = TorchPickle.storagesOf(tensors.values(), path);
      Map<String, float[]> storages = new HashMap<>();
      for (String key : storageKeys(in, path)) {
        StorageRef s = stored.get(key);
        if (s == null) {
          throw new CorruptFileException(path, "storage " + key + " is used by no tensor");
        }
        long count = readLong64(in, path);
        if (count != s.size()) {
          throw new CorruptFileException(
              path, "storage " + key + " holds " + count + " elements, expected " + s.size());
        }
        if (needed.containsKey(key)) {
          storages.put(key, s.type().read(in, count, path));
        } else {
          in.skipNBytes(count * s.type().elementSize());
        }
      }
      return TensorAssembler.assembleAll(tensors, storages, path);
    } catch (EOFException e) {
      throw new CorruptFileException(path, "file is truncated (inside tensor data)");
    }
  }

  private static void checkHeader(InputStream in, Path path) throws IOException {
    if (!MAGIC_NUMBER.equals(Unpickler.plain(in, path).load())) {
      throw new CorruptFileException(path, "wrong magic number: not a PyTorch checkpoint");
    }
    Object version = Unpickler.plain(in, path).load();
    if (!Long.valueOf(PROTOCOL_VERSION).equals(version)) {
      throw new CorruptFileException(path, "unsupported legacy protocol version " + version);
    }
    if (!(Unpickler.plain(in, path).load() instanceof Map<?, ?> sysInfo)) {
      throw new CorruptFileException(path, "malformed sys_info");
    }
    if (!Boolean.TRUE.equals(sysInfo.get("little_endian"))) {
      throw new CorruptFileException(
          path, "the checkpoint was written on a big-endian machine, which is not supported");
    }
  }

  private static List<String> storageKeys(InputStream in, Path path) throws IOException {
    if (!(Unpickler.plain(in, path).load() instanceof List<?> list)) {
      throw new CorruptFileException(path, "malformed list of storage keys");
    }
    List<String> keys = new ArrayList<>();
    for (Object key : list) {
      if (!(key instanceof String s)) {
        throw new CorruptFileException(path, "malformed storage key " + key);
      }
      keys.add(s);
    }
    return keys;
  }

  private static long readLong64(InputStream in, Path path) throws IOException {
    byte[] bytes = in.readNBytes(8);
    if (bytes.length != 8) {
      throw new CorruptFileException(path, "file is truncated (before tensor data)");
    }
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = value << 8 | (bytes[i] & 0xff);
    }
    return value;
  }
}
