package dev.restyle.engine.registry;

import java.nio.file.Path;

/**
 * A style the registry knows.
 *
 * @param name what users type after {@code --style}
 * @param description one line for people
 * @param origin bundled with restyle, or a file in the user's style directory
 * @param location classpath resource (bundled) or file path (user)
 * @param sha256 expected SHA-256 of the whole file (bundled styles), or null (user styles are
 *     verified by the hash inside the file)
 */
public record StyleEntry(
    String name, String description, Origin origin, String location, String sha256) {

  /** Where a style comes from. */
  public enum Origin {
    BUNDLED,
    USER
  }

  static StyleEntry user(String name, Path file) {
    return new StyleEntry(name, "", Origin.USER, file.toString(), null);
  }
}
