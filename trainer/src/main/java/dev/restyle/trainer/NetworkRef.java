package dev.restyle.trainer;

import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.registry.StyleEntry;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.engine.util.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained network named the way users name one: a style of the registry ({@code starry_night}) or
 * a {@code .rsn} file, loaded and verified, with the SHA-256 of the file it came from.
 *
 * @param reference what the user typed
 * @param label short name for tables: the style name, or the file name without {@code .rsn}
 * @param file the network
 * @param sha256 SHA-256 of the whole network file
 */
public record NetworkRef(String reference, String label, NetworkFile file, String sha256) {

  /**
   * Loads {@code reference}: a path to an existing file or one ending in {@code .rsn} is read as a
   * network file, anything else is looked up in {@code registry}.
   *
   * @throws dev.restyle.engine.registry.UnknownStyleException if no style has that name
   * @throws IOException if the file is missing, unreadable or fails its hash check
   */
  public static NetworkRef load(String reference, StyleRegistry registry) throws IOException {
    Path path = Path.of(reference);
    if (reference.endsWith(NetworkFile.EXTENSION) || Files.isRegularFile(path)) {
      if (!Files.isRegularFile(path)) {
        throw new IOException("network file " + path + " does not exist");
      }
      String fileName = path.getFileName().toString();
      String label =
          fileName.endsWith(NetworkFile.EXTENSION)
              ? fileName.substring(0, fileName.length() - NetworkFile.EXTENSION.length())
              : fileName;
      return new NetworkRef(reference, label, NetworkFile.load(path), Sha256.ofFile(path));
    }
    StyleEntry entry = registry.find(reference);
    NetworkFile file = registry.load(reference);
    // A bundled style is verified against the index's hash while loading; a user style's file is
    // hashed here.
    String sha256 =
        entry.origin() == StyleEntry.Origin.BUNDLED
            ? entry.sha256()
            : Sha256.ofFile(Path.of(entry.location()));
    return new NetworkRef(reference, reference, file, sha256);
  }
}
