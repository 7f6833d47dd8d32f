package dev.restyle.engine.weights;

import dev.restyle.engine.network.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes synthetic state dicts the way {@code torch.save} does, in its zip layout or its legacy
 * layout, so that tests need neither Python nor downloaded files.
 */
public final class TorchFileWriter {
  /** torch.save's magic number, the first pickle of a legacy file. */
  static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

  /**
   * A storage: its torch class name (e.g. {@code FloatStorage}), length in elements and raw
   * little-endian bytes.
   */
  public record Storage(String type, long size, byte[] data) {
    public static Storage floats(float[] values) {
      ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(values);
      return new Storage("FloatStorage", values.length, b.array());
    }

    public static Storage halves(float[] values) {
      ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        b.putShort(Float.floatToFloat16(v));
      }
      return new Storage("HalfStorage", values.length, b.array());
    }

    public static Storage doubles(double[] values) {
      ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      b.asDoubleBuffer().put(values);
      return new Storage("DoubleStorage", values.length, b.array());
    }
  }

  /**
   * A tensor as a strided view of a storage.
   *
   * @param view legacy storage view as (view key, offset, size), or null
   */
  public record View(String storageKey, long offset, long[] size, long[] stride, long[] view) {
    public static View contiguous(String storageKey, long[] size) {
      long[] stride = new long[size.length];
      long s = 1;
      for (int d = size.length - 1; d >= 0; d--) {
        stride[d] = s;
        s *= size[d];
      }
      return new View(storageKey, 0, size, stride, null);
    }
  }

  private final Map<String, Storage> storages = new LinkedHashMap<>();
  private final Map<String, View> tensors = new LinkedHashMap<>();
  private int protocol = 2;
  private boolean python2;

  /** A writer of contiguous float32 tensors, one storage each. */
  public static TorchFileWriter of(Map<String, Tensor> stateDict) {
    TorchFileWriter writer = new TorchFileWriter();
    int key = 0;
    for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
      String storageKey = Integer.toString(key++);
      writer.storage(storageKey, Storage.floats(e.getValue().data()));
      writer.tensor(e.getKey(), View.contiguous(storageKey, e.getValue().shape()));
    }
    return writer;
  }

  public TorchFileWriter storage(String key, Storage storage) {
    storages.put(key, storage);
    return this;
  }

  public TorchFileWriter tensor(String name, View view) {
    tensors.put(name, view);
    return this;
  }

  /** Pickle protocol of the state dict (torch.save's default is 2). */
  public TorchFileWriter protocol(int protocol) {
    this.protocol = protocol;
    return this;
  }

  /**
   * Writes the state dict as Python 2 with PyTorch 0.3 did: {@code OrderedDict([[k, v], ...])},
   * byte-string keys and {@code _rebuild_tensor}. Legacy layout only.
   */
  public TorchFileWriter python2() {
    this.python2 = true;
    return this;
  }

  public void writeZip(Path path) throws IOException {
    Map<String, byte[]> data = new LinkedHashMap<>();
    storages.forEach((key, s) -> data.put(key, s.data()));
    writeZip(path, statePickle(false), data);
  }

  public void writeLegacy(Path path) throws IOException {
    writeLegacy(path, statePickle(true), storages);
  }

  /** A zip checkpoint with the given {@code data.pkl} and storage entries. */
  public static void writeZip(Path path, byte[] dataPkl, Map<String, byte[]> storageData)
      throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(path))) {
      stored(zip, "archive/data.pkl", dataPkl);
      stored(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      for (Map.Entry<String, byte[]> e : storageData.entrySet()) {
        stored(zip, "archive/data/" + e.getKey(), e.getValue());
      }
      stored(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(bytes.length);
    entry.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(bytes);
    zip.closeEntry();
  }

  /** A legacy checkpoint with the given object pickle, storing {@code storages} in key order. */
  public static void writeLegacy(Path path, byte[] objectPickle, Map<String, Storage> storages)
      throws IOException {
    List<String> keys = new ArrayList<>(storages.keySet());
    keys.sort(null);
    try (OutputStream out = Files.newOutputStream(path)) {
      out.write(legacyHeader());
      out.write(objectPickle);
      out.write(stringList(keys));
      for (String key : keys) {
        Storage s = storages.get(key);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(s.size()).array());
        out.write(s.data());
      }
    }
  }

  /** The magic number, protocol version and sys_info pickles. */
  static byte[] legacyHeader() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new PickleWriter(2).bigInteger(MAGIC).stop().bytes());
    out.writeBytes(new PickleWriter(2).integer(1001).stop().bytes());
    PickleWriter info = new PickleWriter(2).emptyDict().memoize().mark();
    info.string("protocol_version").memoize().integer(1001);
    info.string("little_endian").memoize().bool(true);
    info.string("type_sizes").memoize().emptyDict().memoize().mark();
    info.string("short").memoize().integer(2);
    info.string("int").memoize().integer(4);
    info.string("long").memoize().integer(4);
    info.setItems().setItems().stop();
    out.writeBytes(info.bytes());
    return out.toByteArray();
  }

  private static byte[] stringList(List<String> keys) {
    PickleWriter p = new PickleWriter(2).emptyList().memoize();
    if (keys.size() == 1) {
      p.string(keys.get(0)).memoize().op('a');
    } else if (keys.size() > 1) {
      p.mark();
      keys.forEach(k -> p.string(k).memoize());
      p.appends();
    }
    return p.stop().bytes();
  }

  /** The pickle of the state dict, with legacy (6-element) or zip (5-element) persistent ids. */
  public byte[] statePickle(boolean legacy) {
    return python2 ? python2Pickle() : python3Pickle(legacy);
  }

  private byte[] python3Pickle(boolean legacy) {
    PickleWriter p = new PickleWriter(protocol);
    if (protocol >= 4) {
      p.frame(0);
    }
    p.global("collections", "OrderedDict");
    int orderedDict = p.nextMemo();
    p.memoize().emptyTuple().reduce().memoize();
    int rebuild = -1;
    List<String> names = new ArrayList<>(tensors.keySet());
    for (int batch = 0; batch < names.size(); batch += 1000) {
      p.mark();
      for (String name : names.subList(batch, Math.min(names.size(), batch + 1000))) {
        View v = tensors.get(name);
        p.string(name).memoize();
        if (rebuild < 0) {
          p.global("torch._utils", "_rebuild_tensor_v2");
          rebuild = p.nextMemo();
          p.memoize();
        } else {
          p.get(rebuild);
        }
        p.mark();
        persistentId(p, v, legacy);
        p.integer(v.offset()).longTuple(v.size()).longTuple(v.stride()).bool(false);
        p.get(orderedDict).emptyTuple().reduce().memoize();
        p.tuple().memoize().reduce().memoize();
      }
      p.setItems();
    }
    // OrderedDict state: {'_metadata': OrderedDict({'features.0': {'version': 1}})}
    p.emptyDict().memoize().string("_metadata").memoize();
    p.get(orderedDict).emptyTuple().reduce().memoize();
    p.string("features.0").memoize().emptyDict().memoize();
    p.string("version").memoize().integer(1).op('s');
    p.op('s').op('s');
    return p.build().stop().bytes();
  }

  private void persistentId(PickleWriter p, View v, boolean legacy) {
    Storage s = storages.get(v.storageKey());
    p.mark().string("storage").memoize().global("torch", s.type()).memoize();
    p.string(v.storageKey()).memoize().string("cpu").memoize().integer(s.size());
    if (legacy) {
      if (v.view() == null) {
        p.none();
      } else {
        p.string(Long.toString(v.view()[0])).memoize().integer(v.view()[1]).integer(v.view()[2]);
        p.op(0x87).memoize();
      }
    }
    p.tuple().memoize().persistentId();
  }

  private byte[] python2Pickle() {
    PickleWriter p = new PickleWriter(2);
    p.global("collections", "OrderedDict").memoize().emptyList().memoize().mark();
    int rebuild = -1;
    for (Map.Entry<String, View> e : tensors.entrySet()) {
      View v = e.getValue();
      p.emptyList().memoize().mark().python2String(e.getKey()).memoize();
      if (rebuild < 0) {
        rebuild = p.nextMemo();
        p.global("torch._utils", "_rebuild_tensor").memoize();
      } else {
        p.get(rebuild);
      }
      Storage s = storages.get(v.storageKey());
      p.mark().mark().python2String("storage").memoize().global("torch", s.type()).memoize();
      p.python2String(v.storageKey()).memoize().python2String("cpu").memoize();
      p.integer(s.size()).none().tuple().memoize().persistentId();
      p.integer(v.offset()).longTuple(v.size()).longTuple(v.stride()).tuple().memoize();
      p.reduce().memoize().appends();
    }
    return p.appends().op(0x85).memoize().reduce().memoize().stop().bytes();
  }
}
