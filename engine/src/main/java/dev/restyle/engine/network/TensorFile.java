package dev.restyle.engine.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restyle.engine.util.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes named float32 tensors plus string metadata in the safetensors layout (an 8-byte
 * little-endian header length, a JSON header, then the raw little-endian tensor data), so any
 * safetensors reader (Python's included) can open restyle's files.
 *
 * <p>The metadata always carries {@code payload_sha256}, the SHA-256 of the tensor data and of the
 * other metadata; {@link #read} refuses a file whose payload does not hash to it.
 */
public final class TensorFile {
  public static final String HASH_KEY = "payload_sha256";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private TensorFile() {}

  /** Contents of a tensor file. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  /** Writes atomically (a temporary file renamed over the target). */
  public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", "F32");
      ArrayNode shape = entry.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long bytes = 4L * e.getValue().data().length;
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(offset)).order(ByteOrder.LITTLE_ENDIAN);
    for (Tensor t : tensors.values()) {
      data.asFloatBuffer().put(t.data());
      data.position(data.position() + 4 * t.data().length);
    }
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.remove(HASH_KEY);
    meta.put(HASH_KEY, payloadHash(data.array(), meta));
    ObjectNode metaNode = header.putObject("__metadata__");
    meta.forEach(metaNode::put);

    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = new byte[padded];
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      headerBytes[i] = ' ';
    }
    Path parent = path.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(headerBytes);
      out.write(data.array());
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads a file written by {@link #write}.
   *
   * @throws CorruptFileException if the file is truncated, malformed or its hash does not match
   */
  public static Contents read(Path path) throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    if (bytes.length < 8) {
      throw new CorruptFileException(path, "too short to be a network file");
    }
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
      throw new CorruptFileException(path, "not a network file (bad header length)");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CorruptFileException(path, "not a network file (unreadable header)");
    }
    int dataStart = (int) (8 + headerLength);
    byte[] data = java.util.Arrays.copyOfRange(bytes, dataStart, bytes.length);

    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode metaNode = header.path("__metadata__");
    metaNode.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    String expected = metadata.remove(HASH_KEY);
    if (expected == null) {
      throw new CorruptFileException(path, "has no " + HASH_KEY + " in its metadata");
    }
    String actual = payloadHash(data, metadata);
    if (!actual.equals(expected)) {
      throw new CorruptFileException(
          path, "hash mismatch: expected " + expected + " but the contents hash to " + actual);
    }

    Map<String, Tensor> tensors = new LinkedHashMap<>();
    ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, JsonNode> e : header.properties()) {
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode entry = e.getValue();
      if (!"F32".equals(entry.path("dtype").asText())) {
        throw new CorruptFileException(path, "tensor " + e.getKey() + " is not F32");
      }
      long[] shape = new long[entry.path("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = entry.path("shape").get(i).asLong();
      }
      int begin = entry.path("data_offsets").get(0).asInt();
      int end = entry.path("data_offsets").get(1).asInt();
      if (begin < 0 || end > data.length || end < begin || (end - begin) % 4 != 0) {
        throw new CorruptFileException(path, "tensor " + e.getKey() + " lies outside the file");
      }
      float[] values = new float[(end - begin) / 4];
      buffer.position(begin);
      buffer.asFloatBuffer().get(values);
      try {
        tensors.put(e.getKey(), new Tensor(shape, values));
      } catch (IllegalArgumentException ex) {
        throw new CorruptFileException(path, "tensor " + e.getKey() + ": " + ex.getMessage());
      }
    }
    return new Contents(tensors, metadata);
  }

  private static String payloadHash(byte[] data, Map<String, String> metadata) {
    Sha256 sha = new Sha256();
    metadata.forEach(
        (k, v) -> {
          sha.update(k.getBytes(StandardCharsets.UTF_8));
          sha.update(new byte[] {0});
          sha.update(v.getBytes(StandardCharsets.UTF_8));
          sha.update(new byte[] {0});
        });
    sha.update(data);
    return sha.hex();
  }
}
