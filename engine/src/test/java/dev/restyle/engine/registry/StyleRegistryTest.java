package dev.restyle.engine.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.StyleNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StyleRegistryTest {
  private static NetworkFile network;

  @TempDir Path dir;

  @BeforeAll
  static void createNetwork() {
    Architecture architecture = new Architecture(0.25, 1);
    try (StyleNetwork net = StyleNetwork.initialise(architecture, Device.cpu(), 11)) {
      network = new NetworkFile(architecture, "a test style", "{}", net.weights());
    }
  }

  @Test
  void findsAndLoadsAUserStyleByName() throws IOException {
    network.save(dir.resolve("tiny-wave.rsn"));
    StyleRegistry registry = StyleRegistry.withUserDirectory(dir);

    StyleEntry entry = registry.find("tiny-wave");
    assertEquals("tiny-wave", entry.name());
    assertEquals(StyleEntry.Origin.USER, entry.origin());
    assertEquals(dir.resolve("tiny-wave.rsn").toString(), entry.location());
    assertTrue(registry.list().contains(entry));
    assertEquals(dir, registry.userDirectory());

    NetworkFile loaded = registry.load("tiny-wave");
    assertEquals(network.architecture(), loaded.architecture());
    assertEquals(network.weights(), loaded.weights());
  }

  @Test
  void loadsANetworkFileByItsPath() throws IOException {
    Path file = dir.resolve("runs").resolve("wave.rsn");
    Files.createDirectories(file.getParent());
    network.save(file);
    StyleRegistry registry = StyleRegistry.withUserDirectory(dir.resolve("styles"));
    assertEquals(network.architecture(), registry.load(file.toString()).architecture());
    assertThrows(
        NoSuchFileException.class, () -> registry.load(dir.resolve("missing.rsn").toString()));
  }

  @Test
  void ignoresFilesThatAreNotNetworks() throws IOException {
    network.save(dir.resolve("mosaic.rsn"));
    Files.writeString(dir.resolve("notes.txt"), "not a style");
    Files.writeString(dir.resolve("mosaic.yaml"), "name: mosaic");
    StyleRegistry registry = StyleRegistry.withUserDirectory(dir);
    assertEquals(
        1, registry.list().stream().filter(e -> e.origin() == StyleEntry.Origin.USER).count());
  }

  @Test
  void missingDirectoryMeansNoUserStyles() {
    StyleRegistry registry = StyleRegistry.withUserDirectory(dir.resolve("does-not-exist"));
    assertTrue(registry.list().stream().noneMatch(e -> e.origin() == StyleEntry.Origin.USER));
  }

  @Test
  void unknownNameListsTheKnownStyles() throws IOException {
    network.save(dir.resolve("candy-test.rsn"));
    network.save(dir.resolve("udnie-test.rsn"));
    StyleRegistry registry = StyleRegistry.withUserDirectory(dir);

    UnknownStyleException e =
        assertThrows(UnknownStyleException.class, () -> registry.load("starry"));
    assertTrue(e.getMessage().contains("unknown style 'starry'"), e.getMessage());
    assertTrue(e.getMessage().contains("candy-test"), e.getMessage());
    assertTrue(e.getMessage().contains("udnie-test"), e.getMessage());
    assertThrows(UnknownStyleException.class, () -> registry.find("starry"));
  }

  @Test
  void tamperedUserFileIsRefused() throws IOException {
    Path file = dir.resolve("tampered.rsn");
    network.save(file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 10] ^= 0x40;
    Files.write(file, bytes);

    StyleRegistry registry = StyleRegistry.withUserDirectory(dir);
    assertEquals(StyleEntry.Origin.USER, registry.find("tampered").origin(), "listed before load");
    CorruptFileException e =
        assertThrows(CorruptFileException.class, () -> registry.load("tampered"));
    assertTrue(e.getMessage().contains("hash"), e.getMessage());
  }
}
