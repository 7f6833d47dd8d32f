package dev.restyle.engine.script;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module archive, as {@code torch.jit.save} writes it, for a module without
 * attributes of its own: its tensors come in as arguments. Four stored (uncompressed) zip entries
 * under one folder: the source ({@code code/__torch__.py}), the pickled module object ({@code
 * data.pkl}: an instance of {@code __torch__.NAME} whose only state is {@code training = False}),
 * the pickled empty constants table ({@code constants.pkl}) and the format version ({@code 3},
 * which every libtorch since 1.5 reads).
 */
public final class TorchScriptArchive {
  private static final String FOLDER = "restyle/";

  private TorchScriptArchive() {}

  /** The archive's bytes for a module class {@code className} defined by {@code source}. */
  public static byte[] of(String className, String source) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      store(zip, "data.pkl", moduleObject(className));
      store(zip, "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
      store(zip, "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
      store(zip, "version", "3\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Pickle protocol 2 of {@code __torch__.className()} with state {@code {"training": False}}:
   * PROTO 2, GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK, BINUNICODE key, NEWFALSE, SETITEMS,
   * BUILD, STOP.
   */
  static byte[] moduleObject(String className) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80);
    out.write(2);
    out.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
    out.write(')');
    out.write(0x81);
    out.write('}');
    out.write('(');
    byte[] key = "training".getBytes(StandardCharsets.UTF_8);
    out.write('X');
    out.write(key.length);
    out.write(0);
    out.write(0);
    out.write(0);
    out.writeBytes(key);
    out.write(0x89);
    out.write('u');
    out.write('b');
    out.write('.');
    return out.toByteArray();
  }

  private static void store(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry entry = new ZipEntry(FOLDER + name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(content.length);
    entry.setCompressedSize(content.length);
    CRC32 crc = new CRC32();
    crc.update(content);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(content);
    zip.closeEntry();
  }
}
