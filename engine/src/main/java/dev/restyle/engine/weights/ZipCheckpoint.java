package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.Tensor;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip layout of {@code torch.save} (PyTorch 1.6 and later): {@code PREFIX/data.pkl} holds the
 * pickled state dict, whose persistent ids name the entries {@code PREFIX/data/KEY} that hold each
 * storage's raw little-endian bytes.
 */
final class ZipCheckpoint {
  private ZipCheckpoint() {}

  /** Reads the tensors whose keys {@code wanted} accepts; the other storages are never read. */
  static Map<String, Tensor> read(Path path, Predicate<String> wanted) throws IOException {
    try (ZipFile zip = new ZipFile(path.toFile())) {
      String prefix = prefix(zip, path);
      checkByteOrder(zip, prefix, path);
      Map<String, TensorRef> tensors;
      try (InputStream in =
          new BufferedInputStream(zip.getInputStream(zip.getEntry(prefix + "data.pkl")))) {
        tensors = TorchCheckpointReader.select(TorchPickle.readStateDict(in, path), wanted);
      }
      Map<String, float[]> storages = new HashMap<>();
      for (StorageRef s : TorchPickle.storagesOf(tensors.values(), path).values()) {
        storages.put(s.key(), readStorage(zip, prefix, s, path));
      }
      return TensorAssembler.assembleAll(tensors, storages, path);
    } catch (ZipException | EOFException e) {
      throw new CorruptFileException(path, "damaged zip archive (" + e.getMessage() + ")");
    }
  }

  /** The archive's top folder, with its slash: the folder holding {@code data.pkl}. */
  private static String prefix(ZipFile zip, Path path) throws CorruptFileException {
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      String name = entries.nextElement().getName();
      int slash = name.indexOf('/');
      if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
        return name.substring(0, slash + 1);
      }
    }
    throw new CorruptFileException(
        path, "zip archive without PREFIX/data.pkl: not a PyTorch checkpoint");
  }

  private static void checkByteOrder(ZipFile zip, String prefix, Path path) throws IOException {
    ZipEntry entry = zip.getEntry(prefix + "byteorder");
    if (entry == null) {
      return; // written since PyTorch 2.1; older files are little-endian
    }
    try (InputStream in = zip.getInputStream(entry)) {
      String order = new String(in.readNBytes(16), StandardCharsets.US_ASCII).strip();
      if (!order.equals("little")) {
        throw new CorruptFileException(
            path, "byte order '" + order + "' is not supported, only little-endian checkpoints");
      }
    }
  }

  private static float[] readStorage(ZipFile zip, String prefix, StorageRef s, Path path)
      throws IOException {
    ZipEntry entry = zip.getEntry(prefix + "data/" + s.key());
    if (entry == null) {
      throw new CorruptFileException(path, "the data of storage " + s.key() + " is missing");
    }
    long bytes = s.size() * s.type().elementSize();
    if (entry.getSize() >= 0 && entry.getSize() < bytes) {
      throw new CorruptFileException(
          path,
          "storage " + s.key() + " holds " + entry.getSize() + " bytes, its tensors need " + bytes);
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return s.type().read(in, s.size(), path);
    }
  }
}
