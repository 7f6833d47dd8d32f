package dev.restyle.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Moves {@code user.home} to a fresh temporary folder for each test, so the style registry sees
 * only the styles saved there. Register it on a static field. It loads libtorch and FFmpeg first:
 * both cache their native libraries under the home folder.
 */
final class TemporaryHome implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
  private final List<String> tinyStyles;
  private String userHome;
  private Path home;

  /** A home that holds, before each test, a tiny random style of each of these names. */
  TemporaryHome(String... tinyStyles) {
    this.tinyStyles = List.of(tinyStyles);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Engine.getInstance();
    FfmpegLog.install();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    assumeTrue(System.getenv("RESTYLE_HOME") == null, "RESTYLE_HOME would override user.home");
    home = Files.createTempDirectory("restyle-home");
    userHome = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
    for (String name : tinyStyles) {
      saveTinyStyle(name);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (userHome != null) {
      System.setProperty("user.home", userHome);
      userHome = null;
    }
    if (home != null) {
      List<Path> paths;
      try (Stream<Path> walk = Files.walk(home)) {
        paths = walk.sorted(Comparator.reverseOrder()).toList();
      }
      for (Path path : paths) {
        Files.delete(path);
      }
      home = null;
    }
  }

  /** The user styles folder, {@code ~/.restyle/styles}; it exists once a style is saved. */
  Path styles() {
    return home.resolve(".restyle/styles");
  }

  /** Saves a tiny random style network of this name among the user styles. */
  void saveTinyStyle(String name) throws IOException {
    Architecture architecture = new Architecture(0.25, 1);
    try (StyleNetwork net = StyleNetwork.initialise(architecture, Device.cpu(), 1)) {
      new NetworkFile(architecture, name, "{}", net.weights())
          .save(styles().resolve(name + NetworkFile.EXTENSION));
    }
  }
}
