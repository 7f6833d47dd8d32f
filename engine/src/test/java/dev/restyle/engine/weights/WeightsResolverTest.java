package dev.restyle.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.util.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsResolverTest {
  @TempDir Path dir;

  private Path torchCache;
  private Path restyleCache;
  private byte[] file;
  private String sha;
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void setUp() throws IOException {
    torchCache = dir.resolve("torch/hub/checkpoints");
    restyleCache = dir.resolve("restyle/weights");
    Path synthetic = dir.resolve("synthetic.pth");
    TorchFileWriter.of(SyntheticVgg16.stateDict(5, 2, false)).writeLegacy(synthetic);
    file = Files.readAllBytes(synthetic);
    sha = Sha256.ofFile(synthetic);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/models/",
        exchange -> {
          requests.incrementAndGet();
          if (exchange.getRequestURI().getPath().endsWith("/missing.pth")) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, file.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(file);
            }
          }
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    System.clearProperty(WeightsResolver.OFFLINE_PROPERTY);
  }

  private URI url(String name) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/models/" + name);
  }

  /** The synthetic file as a published source, named like torchvision's files. */
  private WeightsSource source(String prefix) {
    String name = "vgg16-" + prefix + ".pth";
    return new WeightsSource(
        "synthetic VGG-16 weights", url(name), name, prefix, "--vgg-weights PATH");
  }

  private WeightsResolver resolver() {
    return new WeightsResolver(List.of(torchCache), restyleCache, new WeightsDownloader());
  }

  private static List<Path> listing(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  @Test
  void officialSourceFollowsTorchvisionsConvention() {
    assertEquals(
        URI.create("https://download.pytorch.org/models/vgg16-397923af.pth"),
        Vgg16Weights.OFFICIAL.url());
    assertEquals("vgg16-397923af.pth", Vgg16Weights.OFFICIAL.fileName());
    assertEquals("397923af", Vgg16Weights.OFFICIAL.sha256Prefix());
  }

  @Test
  void explicitPathIsVerifiedAndUsed() throws IOException {
    Path explicit = dir.resolve("my-copy.pth");
    Files.write(explicit, file);
    assertEquals(explicit, resolver().resolve(source(sha.substring(0, 8)), explicit, false));
    assertEquals(0, requests.get());
  }

  @Test
  void explicitPathWithWrongHashIsRefused() throws IOException {
    Path explicit = dir.resolve("my-copy.pth");
    Files.write(explicit, file);
    CorruptFileException e =
        assertThrows(
            CorruptFileException.class,
            () -> resolver().resolve(Vgg16Weights.OFFICIAL, explicit, false));
    assertTrue(e.getMessage().contains(sha), e.getMessage());
    assertTrue(e.getMessage().contains("starts with 397923af"), e.getMessage());
  }

  @Test
  void missingExplicitPathIsReported() {
    Path explicit = dir.resolve("nowhere.pth");
    MissingWeightsException e =
        assertThrows(
            MissingWeightsException.class,
            () -> resolver().resolve(source(sha.substring(0, 8)), explicit, true));
    assertTrue(e.getMessage().contains(explicit.toString()), e.getMessage());
    assertEquals(0, requests.get(), "an explicit path never falls back to a download");
  }

  @Test
  void cachedCopiesAreFoundTorchCacheFirst() throws IOException {
    WeightsSource source = source(sha.substring(0, 8));
    Files.createDirectories(restyleCache);
    Path ours = Files.write(restyleCache.resolve(source.fileName()), file);
    assertEquals(ours, resolver().resolve(source, null, false));

    Files.createDirectories(torchCache);
    Path torchs = Files.write(torchCache.resolve(source.fileName()), file);
    assertEquals(torchs, resolver().resolve(source, null, false));
    assertEquals(0, requests.get());
  }

  @Test
  void cachedCopyWithWrongHashIsRefused() throws IOException {
    WeightsSource source = source("0123abcd");
    Files.createDirectories(torchCache);
    Files.write(torchCache.resolve(source.fileName()), file);
    CorruptFileException e =
        assertThrows(CorruptFileException.class, () -> resolver().resolve(source, null, true));
    assertTrue(e.getMessage().contains("delete it"), e.getMessage());
    assertEquals(0, requests.get());
  }

  @Test
  void downloadLandsInTheCacheAfterVerification() throws IOException {
    WeightsSource source = source(sha.substring(0, 10));
    Path resolved = resolver().resolve(source, null, true);
    assertEquals(restyleCache.resolve(source.fileName()), resolved);
    assertArrayEquals(file, Files.readAllBytes(resolved));
    assertEquals(List.of(resolved), listing(restyleCache), "no temporary file is left behind");
    assertEquals(1, requests.get());

    assertEquals(resolved, resolver().resolve(source, null, true));
    assertEquals(1, requests.get(), "the second resolution uses the cache");
  }

  @Test
  void downloadWithWrongHashIsRefusedAndRemoved() throws IOException {
    WeightsSource source = source("0123abcd");
    MissingWeightsException e =
        assertThrows(MissingWeightsException.class, () -> resolver().resolve(source, null, true));
    assertInstanceOf(CorruptFileException.class, e.getCause());
    assertTrue(e.getMessage().contains("downloading it failed"), e.getMessage());
    assertTrue(e.getMessage().contains(sha), e.getMessage());
    assertTrue(e.getMessage().contains("discarded"), e.getMessage());
    assertEquals(1, requests.get());
    assertEquals(List.of(), listing(restyleCache));
  }

  @Test
  void failedDownloadGivesTheActionableMessage() throws IOException {
    WeightsSource source =
        new WeightsSource("synthetic weights", url("missing.pth"), "missing.pth", "abcd", "--x");
    MissingWeightsException e =
        assertThrows(MissingWeightsException.class, () -> resolver().resolve(source, null, true));
    assertTrue(e.getMessage().contains("HTTP status 404"), e.getMessage());
    assertTrue(e.getMessage().contains(source.url().toString()), e.getMessage());
    assertEquals(List.of(), listing(restyleCache));
  }

  @Test
  void offlineWithNothingCachedSaysWhatToDo() {
    System.setProperty(WeightsResolver.OFFLINE_PROPERTY, "true");
    assertTrue(WeightsResolver.offline());
    WeightsSource source = source(sha.substring(0, 8));
    MissingWeightsException e =
        assertThrows(
            MissingWeightsException.class,
            () -> resolver().resolve(source, null, !WeightsResolver.offline()));
    String message = e.getMessage();
    assertTrue(message.contains(source.url().toString()), message);
    assertTrue(message.contains(torchCache.toString()), message);
    assertTrue(message.contains(restyleCache.toString()), message);
    assertTrue(message.contains("--vgg-weights PATH"), message);
    assertTrue(message.contains("offline"), message);
    assertEquals(0, requests.get());
  }

  @Test
  void defaultLocationsFollowTorchHub() {
    assertTrue(WeightsResolver.torchHubCheckpoints().endsWith(Path.of("hub", "checkpoints")));
    assertTrue(WeightsResolver.defaultDownloadDirectory().endsWith("weights"));
    WeightsResolver standard = WeightsResolver.standard();
    assertEquals(
        List.of(WeightsResolver.torchHubCheckpoints(), WeightsResolver.defaultDownloadDirectory()),
        standard.searchDirectories());
  }

  @Test
  void sourcesRefuseMalformedPrefixes() {
    assertThrows(IllegalArgumentException.class, () -> source("397923AF"));
    assertThrows(IllegalArgumentException.class, () -> source("xyz"));
  }
}
