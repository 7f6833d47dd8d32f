package dev.restyle.engine.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkFileTest {
  private static final Architecture ARCHITECTURE = new Architecture(0.25, 1);
  private static final String CONFIG = "{\"name\":\"tiny\",\"steps\":40}";

  private static NetworkFile network;

  @TempDir Path dir;

  @BeforeAll
  static void createNetwork() {
    network = tinyNetwork(ARCHITECTURE, 7);
  }

  /** A randomly initialised network file, as the trainer would save it. */
  static NetworkFile tinyNetwork(Architecture architecture, long seed) {
    try (StyleNetwork net = StyleNetwork.initialise(architecture, Device.cpu(), seed)) {
      return new NetworkFile(architecture, "tiny test network, ünïcode", CONFIG, net.weights());
    }
  }

  @Test
  void roundTripKeepsEverything() throws IOException {
    Path file = dir.resolve("tiny.rsn");
    network.save(file);
    NetworkFile loaded = NetworkFile.load(file);

    assertEquals(ARCHITECTURE, loaded.architecture());
    assertEquals(network.description(), loaded.description());
    assertEquals(CONFIG, loaded.trainingConfig());
    assertEquals(List.copyOf(network.weights().keySet()), List.copyOf(loaded.weights().keySet()));
    network
        .weights()
        .forEach(
            (name, t) -> {
              Tensor other = loaded.weights().get(name);
              assertArrayEquals(t.shape(), other.shape(), name);
              assertArrayEquals(t.data(), other.data(), name);
            });
  }

  @Test
  void loadedWeightsBuildTheSameNetwork() throws IOException {
    Path file = dir.resolve("tiny.rsn");
    network.save(file);
    try (StyleNetwork net = NetworkFile.load(file).toNetwork(Device.cpu())) {
      assertEquals(ARCHITECTURE, net.architecture());
      assertEquals(network.weights(), net.weights());
    }
  }

  @Test
  void flippedByteInTensorDataFailsTheHash() throws IOException {
    Path file = dir.resolve("tiny.rsn");
    network.save(file);
    byte[] bytes = Files.readAllBytes(file);
    int dataStart = 8 + (int) headerLength(bytes);
    bytes[dataStart + (bytes.length - dataStart) / 2] ^= 0x01;
    Files.write(file, bytes);

    CorruptFileException e = assertThrows(CorruptFileException.class, () -> NetworkFile.load(file));
    assertTrue(e.getMessage().contains("hash"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
  }

  @Test
  void alteredMetadataFailsTheHash() throws IOException {
    Path file = dir.resolve("tiny.rsn");
    network.save(file);
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    // Same length, so only the hash can notice: 40 steps become 90.
    Files.write(
        file,
        text.replace("\\\"steps\\\":40", "\\\"steps\\\":90").getBytes(StandardCharsets.ISO_8859_1));
    assertFalse(Arrays.equals(bytes, Files.readAllBytes(file)), "the test changed the file");

    CorruptFileException e = assertThrows(CorruptFileException.class, () -> NetworkFile.load(file));
    assertTrue(e.getMessage().contains("hash"), e.getMessage());
  }

  @Test
  void truncatedFilesAreCorrupt() throws IOException {
    Path file = dir.resolve("tiny.rsn");
    network.save(file);
    byte[] bytes = Files.readAllBytes(file);
    int dataStart = 8 + (int) headerLength(bytes);
    for (int length : new int[] {0, 5, 8, dataStart / 2, dataStart, bytes.length - 4}) {
      Path cut = dir.resolve("cut-" + length + ".rsn");
      Files.write(cut, Arrays.copyOf(bytes, length));
      assertThrows(
          CorruptFileException.class, () -> NetworkFile.load(cut), "cut at " + length + " bytes");
    }
  }

  @Test
  void randomBytesAreCorrupt() throws IOException {
    SplittableRandom random = new SplittableRandom(3);
    for (int size : new int[] {16, 1000, 100_000}) {
      byte[] noise = new byte[size];
      random.nextBytes(noise);
      Path file = dir.resolve("noise-" + size + ".rsn");
      Files.write(file, noise);
      assertThrows(CorruptFileException.class, () -> NetworkFile.load(file), size + " bytes");
    }
  }

  @Test
  void plausibleHeaderWithGarbageJsonIsCorrupt() throws IOException {
    byte[] json = "{\"not json".getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("garbage.rsn");
    Files.write(file, concat(lengthPrefix(json.length), json));
    assertThrows(CorruptFileException.class, () -> NetworkFile.load(file));
  }

  @Test
  void tensorFileThatIsNotANetworkIsRefused() throws IOException {
    Path file = dir.resolve("other.safetensors");
    TensorFile.write(
        file, Map.of("x", new Tensor(new long[] {2}, new float[] {1, 2})), Map.of("k", "v"));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> NetworkFile.load(file));
    assertTrue(e.getMessage().contains("not a restyle network"), e.getMessage());
  }

  @Test
  void networkFileWithAMissingTensorIsRefused() throws IOException {
    Map<String, Tensor> weights = new LinkedHashMap<>(network.weights());
    weights.remove("res1.conv2.weight");
    Path file = dir.resolve("incomplete.rsn");
    TensorFile.write(file, weights, network.metadata());
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> NetworkFile.load(file));
    assertTrue(e.getMessage().contains("res1.conv2.weight"), e.getMessage());
  }

  @Test
  void fileIsPlainSafetensors() throws IOException {
    Path file = dir.resolve("tiny.rsn");
    network.save(file);
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = headerLength(bytes);
    assertEquals(0, headerLength % 8, "header is padded to 8 bytes");
    JsonNode header =
        new ObjectMapper()
            .readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));

    JsonNode meta = header.get("__metadata__");
    assertEquals(NetworkFile.FORMAT, meta.get("format").asText());
    assertEquals(CONFIG, meta.get("training_config").asText());
    assertEquals(64, meta.get(TensorFile.HASH_KEY).asText().length(), "a SHA-256 in hex");
    meta.properties().forEach(e -> assertTrue(e.getValue().isTextual(), "string " + e.getKey()));

    ByteBuffer data =
        ByteBuffer.wrap(bytes, 8 + (int) headerLength, bytes.length - 8 - (int) headerLength)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    long end = 0;
    for (Map.Entry<String, Tensor> e : network.weights().entrySet()) {
      JsonNode entry = header.get(e.getKey());
      assertEquals("F32", entry.get("dtype").asText());
      long[] shape = new long[entry.get("shape").size()];
      Arrays.setAll(shape, i -> entry.get("shape").get(i).asLong());
      assertArrayEquals(e.getValue().shape(), shape, e.getKey());
      int begin = entry.get("data_offsets").get(0).asInt();
      end = Math.max(end, entry.get("data_offsets").get(1).asLong());
      float[] values = new float[e.getValue().data().length];
      data.position(begin);
      data.asFloatBuffer().get(values);
      assertArrayEquals(e.getValue().data(), values, e.getKey() + " as little-endian float32");
    }
    assertEquals(network.weights().size() + 1, header.size(), "tensors plus __metadata__");
    assertEquals(data.limit(), end, "the tensors fill the data region exactly");
  }

  private static long headerLength(byte[] file) {
    return ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] lengthPrefix(long length) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void filesWrittenBeforeTheFastKnobsStillLoad() throws IOException {
    // the metadata of the first bundled styles: width and residual blocks only
    Path file = dir.resolve("old.rsn");
    Map<String, String> meta = new LinkedHashMap<>(network.metadata());
    meta.put("architecture", "{\"width\":0.25,\"residualBlocks\":1}");
    TensorFile.write(file, network.weights(), meta);
    NetworkFile loaded = NetworkFile.load(file);
    assertEquals(new Architecture(0.25, 1, 1, 9, false), loaded.architecture());
  }

  @Test
  void fastNetworksRoundTrip() throws IOException {
    Architecture fast = NetworkPreset.FASTER.architecture();
    Path file = dir.resolve("fast.rsn");
    tinyNetwork(fast, 3).save(file);
    NetworkFile loaded = NetworkFile.load(file);
    assertEquals(fast, loaded.architecture());
    assertTrue(loaded.weights().containsKey("res1.conv2.depthwise.weight"));
  }
}
