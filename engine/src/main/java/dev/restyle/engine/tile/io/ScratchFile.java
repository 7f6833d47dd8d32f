package dev.restyle.engine.tile.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Temporary files that large images pass through (the decoded pixels, each layer's activations),
 * read and written by position: the data then sits in the page cache, not in the process's memory.
 */
public final class ScratchFile {
  private ScratchFile() {}

  /** A new empty file in {@code directory}, open for reading and writing, deleted on close. */
  public static FileChannel create(Path directory, String prefix, String suffix)
      throws IOException {
    Path file = Files.createTempFile(directory, prefix, suffix);
    return FileChannel.open(
        file,
        StandardOpenOption.READ,
        StandardOpenOption.WRITE,
        StandardOpenOption.DELETE_ON_CLOSE);
  }

  /** Writes all of {@code bytes} from {@code position} on. */
  public static void write(FileChannel channel, ByteBuffer bytes, long position)
      throws IOException {
    while (bytes.hasRemaining()) {
      position += channel.write(bytes, position);
    }
  }

  /**
   * Fills the rest of {@code buffer} from {@code position} on.
   *
   * @throws IOException naming {@code what} if the file ends first
   */
  public static void read(FileChannel channel, ByteBuffer buffer, long position, String what)
      throws IOException {
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position);
      if (read < 0) {
        throw new IOException(what + " ended early");
      }
      position += read;
    }
  }
}
