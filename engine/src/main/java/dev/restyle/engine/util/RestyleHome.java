package dev.restyle.engine.util;

import java.nio.file.Path;

/** restyle's per-user folder: {@code $RESTYLE_HOME}, or {@code ~/.restyle}. */
public final class RestyleHome {
  private RestyleHome() {}

  /** A sub-folder of the restyle home, e.g. {@code styles} or {@code weights}. */
  public static Path resolve(String child) {
    String home = System.getenv("RESTYLE_HOME");
    Path root =
        home != null && !home.isBlank()
            ? Path.of(home)
            : Path.of(System.getProperty("user.home"), ".restyle");
    return root.resolve(child);
  }
}
