package dev.restyle.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.util.RestyleHome;
import dev.restyle.engine.util.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds style networks by name, like torchvision's weights enums: bundled styles are listed in
 * {@code dev/restyle/styles/index.json} with the SHA-256 of their file; user styles are the {@code
 * NAME.rsn} files of a directory (default {@code ~/.restyle/styles}, or {@code
 * $RESTYLE_HOME/styles}). A user style shadows a bundled one of the same name. Every load is
 * verified: a file whose hash does not match is refused.
 */
public final class StyleRegistry {
  private static final String BUNDLED_ROOT = "dev/restyle/styles/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, StyleEntry> styles;
  private final Path userDirectory;

  private StyleRegistry(Map<String, StyleEntry> styles, Path userDirectory) {
    this.styles = styles;
    this.userDirectory = userDirectory;
  }

  /** Bundled styles plus the default user directory. */
  public static StyleRegistry standard() {
    return withUserDirectory(defaultUserDirectory());
  }

  /** Bundled styles plus the styles in {@code directory} (which need not exist). */
  public static StyleRegistry withUserDirectory(Path directory) {
    Map<String, StyleEntry> styles = new LinkedHashMap<>();
    bundled().forEach(e -> styles.put(e.name(), e));
    if (Files.isDirectory(directory)) {
      try (Stream<Path> files = Files.list(directory)) {
        files
            .filter(f -> f.getFileName().toString().endsWith(NetworkFile.EXTENSION))
            .sorted(Comparator.naturalOrder())
            .forEach(
                f -> {
                  String file = f.getFileName().toString();
                  String name = file.substring(0, file.length() - NetworkFile.EXTENSION.length());
                  styles.put(name, StyleEntry.user(name, f));
                });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list style directory " + directory, e);
      }
    }
    return new StyleRegistry(styles, directory);
  }

  /** {@code $RESTYLE_HOME/styles}, or {@code ~/.restyle/styles}. */
  public static Path defaultUserDirectory() {
    return RestyleHome.resolve("styles");
  }

  public Path userDirectory() {
    return userDirectory;
  }

  public List<StyleEntry> list() {
    return List.copyOf(styles.values());
  }

  public StyleEntry find(String name) {
    StyleEntry entry = styles.get(name);
    if (entry == null) {
      throw new UnknownStyleException(name, new ArrayList<>(styles.keySet()));
    }
    return entry;
  }

  /**
   * Loads and verifies a style network: a style by name, or a network file by its path (a name
   * ending in {@code .rsn}, as {@code restyle train} writes one: for trying a run before it is
   * installed).
   *
   * @throws UnknownStyleException if no style has that name
   * @throws NoSuchFileException if a network file path names no file
   * @throws CorruptFileException if the file's hash does not match
   */
  public NetworkFile load(String name) throws IOException {
    if (name.endsWith(NetworkFile.EXTENSION)) {
      Path path = Path.of(name);
      if (!Files.isRegularFile(path)) {
        throw new NoSuchFileException(name, null, "no such network file");
      }
      return NetworkFile.load(path);
    }
    StyleEntry entry = find(name);
    if (entry.origin() == StyleEntry.Origin.USER) {
      return NetworkFile.load(Path.of(entry.location()));
    }
    Path temp = Files.createTempFile("restyle-" + name, NetworkFile.EXTENSION);
    try {
      try (InputStream in = resource(entry.location())) {
        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      }
      String actual = Sha256.ofFile(temp);
      if (!actual.equals(entry.sha256())) {
        throw new CorruptFileException(
            Path.of(entry.location()),
            "bundled style '" + name + "' hashes to " + actual + ", expected " + entry.sha256());
      }
      return NetworkFile.load(temp);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static List<StyleEntry> bundled() {
    try (InputStream in =
        StyleRegistry.class.getClassLoader().getResourceAsStream(BUNDLED_ROOT + "index.json")) {
      if (in == null) {
        return List.of();
      }
      List<StyleEntry> entries = new ArrayList<>();
      for (JsonNode node : JSON.readTree(in).path("styles")) {
        entries.add(
            new StyleEntry(
                node.path("name").asText(),
                node.path("description").asText(),
                StyleEntry.Origin.BUNDLED,
                BUNDLED_ROOT + node.path("file").asText(),
                node.path("sha256").asText()));
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled style index", e);
    }
  }

  private static InputStream resource(String location) throws IOException {
    InputStream in = StyleRegistry.class.getClassLoader().getResourceAsStream(location);
    if (in == null) {
      throw new IOException("bundled style file " + location + " is missing from the classpath");
    }
    return in;
  }
}
