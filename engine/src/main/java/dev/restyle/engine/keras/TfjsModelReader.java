package dev.restyle.engine.keras;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a TensorFlow.js layers model: {@code model.json} (the Keras topology and the weights
 * manifest) and the binary shards it lists, or the same as JavaScript modules ({@code model.min.js}
 * and {@code group1-shard1of6.min.js}, each shard a base64 string), as nsfwjs ships them.
 *
 * <p>Weights are float32, int32, or float32 quantised to uint8 or uint16 (value = q * scale + min)
 * or to float16; every weight is returned as float32. Shards of a group are concatenated in the
 * manifest's order and must hold exactly the bytes the manifest describes: a shard cut short, or
 * one with bytes to spare, is refused with the numbers.
 */
public final class TfjsModelReader {
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private TfjsModelReader() {}

  /**
   * Reads the model whose topology file is {@code modelFile} ({@code .json} or {@code .js}); its
   * shards are looked for beside it, under each manifest path as given, or with {@code .min.js} or
   * {@code .js} appended (then as JavaScript modules).
   *
   * @throws CorruptFileException if a file is malformed, cut short or does not fit the manifest
   */
  public static KerasModel read(Path modelFile) throws IOException {
    JsonNode root = parse(modelFile);
    JsonNode topology = root.path("modelTopology");
    if (topology.isMissingNode()) {
      throw new CorruptFileException(modelFile, "not a TensorFlow.js model: no modelTopology");
    }
    List<KerasLayer> layers;
    try {
      layers = layers(topology.has("model_config") ? topology.get("model_config") : topology);
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException(modelFile, e.getMessage());
    }
    Map<String, Tensor> weights = new LinkedHashMap<>();
    JsonNode manifest = root.path("weightsManifest");
    if (!manifest.isArray()) {
      throw new CorruptFileException(modelFile, "not a TensorFlow.js model: no weightsManifest");
    }
    Path folder = modelFile.toAbsolutePath().getParent();
    for (JsonNode group : manifest) {
      byte[] data = groupData(folder, group.path("paths"), modelFile);
      try {
        decodeGroup(group.path("weights"), data, weights, modelFile);
      } catch (IllegalArgumentException | ArithmeticException e) {
        // a shape that is negative, or too large to be held
        throw new CorruptFileException(modelFile, "the weights manifest: " + e.getMessage());
      }
    }
    try {
      return new KerasModel(layers, weights);
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException(modelFile, e.getMessage());
    }
  }

  private static JsonNode parse(Path modelFile) throws IOException {
    String text = Files.readString(modelFile, StandardCharsets.UTF_8);
    try {
      return JSON.readTree(
          modelFile.getFileName().toString().endsWith(".js")
              ? JsModule.exportedObject(text)
              : text);
    } catch (IllegalArgumentException | JsonProcessingException e) {
      throw new CorruptFileException(
          modelFile, "not a readable TensorFlow.js model: " + firstLine(e.getMessage()));
    }
  }

  /**
   * The layers of a Keras model config ({@code Model}, {@code Functional} or {@code Sequential}).
   */
  private static List<KerasLayer> layers(JsonNode modelConfig) {
    String kind = modelConfig.path("class_name").asText();
    JsonNode config = modelConfig.path("config");
    JsonNode layerList = config.isArray() ? config : config.path("layers");
    if (!layerList.isArray() || layerList.isEmpty()) {
      throw new IllegalArgumentException("the topology lists no layers");
    }
    List<KerasLayer> layers = new ArrayList<>();
    boolean sequential = kind.equals("Sequential");
    for (JsonNode layer : layerList) {
      String name = layer.path("config").path("name").asText(layer.path("name").asText());
      String className = layer.path("class_name").asText();
      if (name.isEmpty() || className.isEmpty()) {
        throw new IllegalArgumentException("a layer has no name or class_name");
      }
      List<String> inputs = new ArrayList<>();
      if (sequential) {
        if (layers.isEmpty() && !className.equals("InputLayer")) {
          layers.add(new KerasLayer("input", "InputLayer", JSON.createObjectNode(), List.of()));
        }
        if (!layers.isEmpty()) {
          inputs.add(layers.get(layers.size() - 1).name());
        }
      } else {
        inputs = inbound(name, layer.path("inbound_nodes"));
      }
      layers.add(new KerasLayer(name, className, layer.path("config"), inputs));
    }
    return layers;
  }

  /**
   * The input layer names of a functional layer's single node: {@code [[["a", 0, 0, {}], ...]]}.
   */
  private static List<String> inbound(String layer, JsonNode nodes) {
    if (nodes.isEmpty()) {
      return List.of();
    }
    if (nodes.size() > 1) {
      throw new IllegalArgumentException(
          "layer " + layer + " is shared by " + nodes.size() + " nodes, which is not supported");
    }
    List<String> inputs = new ArrayList<>();
    for (JsonNode input : nodes.get(0)) {
      if (!input.isArray() || !input.path(0).isTextual()) {
        throw new IllegalArgumentException(
            "layer " + layer + " has inbound nodes in a format other than Keras 2's");
      }
      if (input.path(1).asInt() != 0 || input.path(2).asInt() != 0) {
        throw new IllegalArgumentException(
            "layer " + layer + " reads a shared layer's node or a second output: not supported");
      }
      inputs.add(input.get(0).asText());
    }
    return inputs;
  }

  /** The bytes of a weight group: its shards, concatenated in order. */
  private static byte[] groupData(Path folder, JsonNode paths, Path modelFile) throws IOException {
    if (!paths.isArray() || paths.isEmpty()) {
      throw new CorruptFileException(modelFile, "a weight group lists no shard paths");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (JsonNode entry : paths) {
      String path = entry.asText();
      if (path.contains("..") || path.startsWith("/") || path.contains("://")) {
        throw new CorruptFileException(modelFile, "shard path '" + path + "' leaves the folder");
      }
      out.write(shard(folder, path));
    }
    return out.toByteArray();
  }

  private static byte[] shard(Path folder, String path) throws IOException {
    Path binary = folder.resolve(path);
    if (Files.isRegularFile(binary) && !path.endsWith(".js")) {
      return Files.readAllBytes(binary);
    }
    for (String suffix : List.of("", ".min.js", ".js")) {
      Path module = folder.resolve(path + suffix);
      if (Files.isRegularFile(module) && module.getFileName().toString().endsWith(".js")) {
        try {
          String text = Files.readString(module, StandardCharsets.US_ASCII);
          return Base64.getDecoder().decode(JsModule.exportedString(text));
        } catch (IllegalArgumentException e) {
          throw new CorruptFileException(
              module, "not a weights shard module: " + firstLine(e.getMessage()));
        }
      }
    }
    throw new CorruptFileException(
        binary, "the weights shard is missing (also looked for " + path + ".min.js and .js)");
  }

  private static void decodeGroup(
      JsonNode entries, byte[] data, Map<String, Tensor> weights, Path modelFile)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    long needed = 0;
    for (JsonNode entry : entries) {
      needed += elements(entry) * bytesPerValue(entry, modelFile);
    }
    if (needed != data.length) {
      throw new CorruptFileException(
          modelFile,
          "the weight shards hold %d bytes, the manifest describes %d: %s"
              .formatted(
                  data.length,
                  needed,
                  data.length < needed
                      ? "a shard is cut short or missing"
                      : "a shard has been altered or belongs to another model"));
    }
    for (JsonNode entry : entries) {
      String name = entry.path("name").asText();
      if (name.endsWith(":0")) {
        name = name.substring(0, name.length() - 2);
      }
      long[] shape = shape(entry);
      float[] values = new float[Math.toIntExact(elements(entry))];
      JsonNode q = entry.path("quantization");
      String stored = q.isMissingNode() ? entry.path("dtype").asText() : q.path("dtype").asText();
      double min = q.path("min").asDouble();
      double scale = q.path("scale").asDouble();
      for (int i = 0; i < values.length; i++) {
        values[i] =
            switch (stored) {
              case "float32" -> buffer.getFloat();
              case "int32" -> buffer.getInt();
              case "uint8" -> (float) ((buffer.get() & 0xff) * scale + min);
              case "uint16" -> (float) ((buffer.getShort() & 0xffff) * scale + min);
              case "float16" -> Float.float16ToFloat(buffer.getShort());
              default -> throw new IllegalStateException("checked in bytesPerValue");
            };
      }
      if (weights.put(name, new Tensor(shape, values)) != null) {
        throw new CorruptFileException(modelFile, "the manifest lists weight " + name + " twice");
      }
    }
  }

  private static int bytesPerValue(JsonNode entry, Path modelFile) throws IOException {
    JsonNode q = entry.path("quantization");
    String stored = q.isMissingNode() ? entry.path("dtype").asText() : q.path("dtype").asText();
    if (!q.isMissingNode() && !stored.equals("float16")) {
      if (!q.path("scale").isNumber() || !q.path("min").isNumber()) {
        throw new CorruptFileException(
            modelFile,
            "weight " + entry.path("name").asText() + " is quantised without scale and min");
      }
    }
    return switch (stored) {
      case "float32", "int32" -> 4;
      case "uint16", "float16" -> 2;
      case "uint8" -> 1;
      default ->
          throw new CorruptFileException(
              modelFile,
              "weight "
                  + entry.path("name").asText()
                  + " is stored as '"
                  + stored
                  + "', which is not supported (float32, int32, uint8, uint16, float16)");
    };
  }

  private static long[] shape(JsonNode entry) {
    JsonNode shape = entry.path("shape");
    long[] out = new long[shape.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = shape.get(i).asLong();
    }
    return out;
  }

  private static long elements(JsonNode entry) {
    long n = 1;
    for (long d : shape(entry)) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "weight "
                + entry.path("name").asText()
                + " has a negative dimension: "
                + entry.path("shape"));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
