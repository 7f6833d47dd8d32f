package dev.restyle.engine.network;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A network, checkpoint or weights file that cannot be trusted: truncated, malformed or altered.
 */
public class CorruptFileException extends IOException {
  public CorruptFileException(Path path, String reason) {
    super(path + ": " + reason);
  }
}
