package dev.restyle.engine.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restyle.engine.keras.NhwcReference.Act;
import dev.restyle.engine.network.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Small Keras functional models built in code, with seeded random weights, written the ways
 * TensorFlow.js ships them: {@code model.json} with binary shards (float32, or quantised to uint8,
 * uint16 or float16), or the JavaScript-module wrappers nsfwjs uses ({@code model.min.js},
 * minified, and shards {@code group1-shard1of2.min.js} exporting base64 strings).
 *
 * <p>Each layer added also records how {@link NhwcReference} computes it, so {@link #reference}
 * gives the expected output of any layer without going through the code under test.
 */
final class TfjsFixture {
  static final ObjectMapper JSON = new ObjectMapper();

  /** How the weights are stored in the shards. */
  enum Storage {
    FLOAT32,
    UINT8,
    UINT16,
    FLOAT16
  }

  /**
   * What was written.
   *
   * @param modelFile {@code model.json} or {@code model.min.js}
   * @param shards the shard files, in manifest order (group by group)
   * @param weights what the reader must return for each weight: the weights themselves for float32,
   *     else the dequantised values ({@code (float) (q * scale + min)})
   * @param quantisation {min, scale} of each uint8/uint16-quantised weight
   * @param codes the stored integer of each value of each uint8/uint16-quantised weight
   */
  record Written(
      Path modelFile,
      List<Path> shards,
      Map<String, Tensor> weights,
      Map<String, double[]> quantisation,
      Map<String, int[]> codes) {}

  /** A layer's per-sample output shape; a flat one has h = w = 1. */
  private record Dims(int h, int w, int c, boolean flat) {}

  private final Random random;
  private final List<ObjectNode> layers = new ArrayList<>();
  private final List<KerasLayer> kerasLayers = new ArrayList<>();
  private final Map<String, Tensor> weights = new LinkedHashMap<>();
  private final Map<String, Dims> dims = new HashMap<>();
  private final Map<String, List<String>> inputsOf = new HashMap<>();
  private final Map<String, Function<List<Act>, Act>> reference = new HashMap<>();
  private String input;
  private String last;

  TfjsFixture(long seed) {
    this.random = new Random(seed);
  }

  // ---- layers -------------------------------------------------------------------------------

  String input(String name, int h, int w, int c) {
    if (input != null) {
      throw new IllegalStateException("one input only");
    }
    input = name;
    ObjectNode config = JSON.createObjectNode();
    config.putArray("batch_input_shape").addNull().add(h).add(w).add(c);
    config.put("dtype", "float32");
    config.put("sparse", false);
    return add(name, "InputLayer", config, List.of(), new Dims(h, w, c, false), null);
  }

  /** A Conv2D with bias, no dilation and no activation. */
  String conv(String name, String from, int filters, int kernel, int stride, String padding) {
    return conv(
        name, from, filters, new int[] {kernel, kernel}, stride, padding, 1, true, "linear");
  }

  String conv(
      String name,
      String from,
      int filters,
      int[] kernel,
      int stride,
      String padding,
      int dilation,
      boolean useBias,
      String activation) {
    Dims in = dims.get(from);
    ObjectNode config = layerConfig();
    config.put("filters", filters);
    config.putArray("kernel_size").add(kernel[0]).add(kernel[1]);
    config.putArray("strides").add(stride).add(stride);
    config.put("padding", padding);
    config.put("data_format", "channels_last");
    config.putArray("dilation_rate").add(dilation).add(dilation);
    config.put("activation", activation);
    config.put("use_bias", useBias);
    initializers(config);
    float[] k = uniform(kernel[0] * kernel[1] * in.c() * filters, fanIn(kernel, in.c()));
    weights.put(name + "/kernel", tensor(k, kernel[0], kernel[1], in.c(), filters));
    float[] b = useBias ? uniform(filters, 0.2) : null;
    if (useBias) {
      weights.put(name + "/bias", tensor(b, filters));
    }
    int[] strides = {stride, stride};
    int[] rates = {dilation, dilation};
    NhwcReference.Axis rows = NhwcReference.Axis.of(in.h(), kernel[0], stride, dilation, padding);
    NhwcReference.Axis cols = NhwcReference.Axis.of(in.w(), kernel[1], stride, dilation, padding);
    return add(
        name,
        "Conv2D",
        config,
        List.of(from),
        new Dims(rows.out(), cols.out(), filters, false),
        x ->
            NhwcReference.activation(
                NhwcReference.conv2d(
                    x.get(0), k, kernel[0], kernel[1], filters, b, strides, padding, rates),
                activation));
  }

  String depthwise(
      String name,
      String from,
      int kernel,
      int multiplier,
      int stride,
      String padding,
      boolean useBias) {
    Dims in = dims.get(from);
    ObjectNode config = layerConfig();
    config.putArray("kernel_size").add(kernel).add(kernel);
    config.putArray("strides").add(stride).add(stride);
    config.put("padding", padding);
    config.put("depth_multiplier", multiplier);
    config.put("data_format", "channels_last");
    config.putArray("dilation_rate").add(1).add(1);
    config.put("activation", "linear");
    config.put("use_bias", useBias);
    float[] k = uniform(kernel * kernel * in.c() * multiplier, Math.sqrt(3.0 / (kernel * kernel)));
    weights.put(name + "/depthwise_kernel", tensor(k, kernel, kernel, in.c(), multiplier));
    float[] b = useBias ? uniform(in.c() * multiplier, 0.2) : null;
    if (useBias) {
      weights.put(name + "/bias", tensor(b, in.c() * multiplier));
    }
    int[] strides = {stride, stride};
    NhwcReference.Axis rows = NhwcReference.Axis.of(in.h(), kernel, stride, 1, padding);
    NhwcReference.Axis cols = NhwcReference.Axis.of(in.w(), kernel, stride, 1, padding);
    return add(
        name,
        "DepthwiseConv2D",
        config,
        List.of(from),
        new Dims(rows.out(), cols.out(), in.c() * multiplier, false),
        x -> NhwcReference.depthwise(x.get(0), k, kernel, kernel, multiplier, b, strides, padding));
  }

  /** A BatchNormalization with beta and the default epsilon; gamma only when {@code scale}. */
  String batchNorm(String name, String from, boolean scale) {
    return batchNorm(name, from, scale, true, 1e-3);
  }

  String batchNorm(String name, String from, boolean scale, boolean center, double epsilon) {
    Dims in = dims.get(from);
    int c = in.c();
    ObjectNode config = layerConfig();
    config.put("axis", random.nextBoolean() ? -1 : 3);
    config.put("momentum", 0.99);
    config.put("epsilon", epsilon);
    config.put("center", center);
    config.put("scale", scale);
    float[] gamma = scale ? uniform(c, 0.5, 1.5) : null;
    float[] beta = center ? uniform(c, -0.3, 0.3) : null;
    float[] mean = uniform(c, -0.3, 0.3);
    float[] variance = uniform(c, 0.3, 1.5);
    if (scale) {
      weights.put(name + "/gamma", tensor(gamma, c));
    }
    if (center) {
      weights.put(name + "/beta", tensor(beta, c));
    }
    weights.put(name + "/moving_mean", tensor(mean, c));
    weights.put(name + "/moving_variance", tensor(variance, c));
    return add(
        name,
        "BatchNormalization",
        config,
        List.of(from),
        in,
        x -> NhwcReference.batchNorm(x.get(0), gamma, beta, mean, variance, epsilon));
  }

  /** An Activation layer. */
  String activation(String name, String from, String function) {
    ObjectNode config = layerConfig();
    config.put("activation", function);
    return add(
        name,
        "Activation",
        config,
        List.of(from),
        dims.get(from),
        x -> NhwcReference.activation(x.get(0), function));
  }

  /** A ReLU layer; {@code maxValue} 6 makes it ReLU6, null a plain ReLU. */
  String relu(String name, String from, Double maxValue) {
    ObjectNode config = layerConfig();
    if (maxValue == null) {
      config.putNull("max_value");
    } else {
      config.put("max_value", maxValue);
    }
    config.put("negative_slope", 0.0);
    config.put("threshold", 0.0);
    String function = maxValue == null ? "relu" : "relu6";
    return add(
        name,
        "ReLU",
        config,
        List.of(from),
        dims.get(from),
        x -> NhwcReference.activation(x.get(0), function));
  }

  String pool(String name, String from, boolean max, int size, int stride, String padding) {
    Dims in = dims.get(from);
    ObjectNode config = layerConfig();
    config.putArray("pool_size").add(size).add(size);
    config.put("padding", padding);
    config.putArray("strides").add(stride).add(stride);
    config.put("data_format", "channels_last");
    int[] sizes = {size, size};
    int[] strides = {stride, stride};
    NhwcReference.Axis rows = NhwcReference.Axis.of(in.h(), size, stride, 1, padding);
    NhwcReference.Axis cols = NhwcReference.Axis.of(in.w(), size, stride, 1, padding);
    return add(
        name,
        max ? "MaxPooling2D" : "AveragePooling2D",
        config,
        List.of(from),
        new Dims(rows.out(), cols.out(), in.c(), false),
        x -> NhwcReference.pool(x.get(0), max, sizes, strides, padding));
  }

  /** ZeroPadding2D written as Keras does: ((top, bottom), (left, right)). */
  String zeroPad(String name, String from, int top, int bottom, int left, int right) {
    ObjectNode config = layerConfig();
    ArrayNode padding = config.putArray("padding");
    padding.addArray().add(top).add(bottom);
    padding.addArray().add(left).add(right);
    return zeroPad(name, from, config, top, bottom, left, right);
  }

  /** ZeroPadding2D with the padding written as one number or a (rows, columns) pair. */
  String zeroPad(String name, String from, JsonNode padding) {
    ObjectNode config = layerConfig();
    config.set("padding", padding);
    int rows = padding.isInt() ? padding.asInt() : padding.get(0).asInt();
    int cols = padding.isInt() ? padding.asInt() : padding.get(1).asInt();
    return zeroPad(name, from, config, rows, rows, cols, cols);
  }

  private String zeroPad(
      String name, String from, ObjectNode config, int top, int bottom, int left, int right) {
    Dims in = dims.get(from);
    config.put("data_format", "channels_last");
    return add(
        name,
        "ZeroPadding2D",
        config,
        List.of(from),
        new Dims(in.h() + top + bottom, in.w() + left + right, in.c(), false),
        x -> NhwcReference.zeroPad(x.get(0), top, bottom, left, right));
  }

  String concat(String name, String... from) {
    ObjectNode config = layerConfig();
    config.put("axis", random.nextBoolean() ? -1 : 3);
    Dims first = dims.get(from[0]);
    int c = 0;
    for (String f : from) {
      c += dims.get(f).c();
    }
    return add(
        name,
        "Concatenate",
        config,
        List.of(from),
        new Dims(first.h(), first.w(), c, false),
        NhwcReference::concat);
  }

  String sum(String name, String... from) {
    return add(name, "Add", layerConfig(), List.of(from), dims.get(from[0]), NhwcReference::add);
  }

  String flatten(String name, String from) {
    Dims in = dims.get(from);
    ObjectNode config = layerConfig();
    config.put("data_format", "channels_last");
    return add(
        name,
        "Flatten",
        config,
        List.of(from),
        new Dims(1, 1, in.h() * in.w() * in.c(), true),
        x -> NhwcReference.flatten(x.get(0)));
  }

  String dropout(String name, String from) {
    ObjectNode config = layerConfig();
    config.put("rate", 0.5);
    return add(name, "Dropout", config, List.of(from), dims.get(from), x -> x.get(0));
  }

  String dense(String name, String from, int units, String activation) {
    Dims in = dims.get(from);
    ObjectNode config = layerConfig();
    config.put("units", units);
    config.put("activation", activation);
    config.put("use_bias", true);
    initializers(config);
    float[] k = uniform(in.c() * units, Math.sqrt(3.0 / in.c()));
    float[] b = uniform(units, 0.2);
    weights.put(name + "/kernel", tensor(k, in.c(), units));
    weights.put(name + "/bias", tensor(b, units));
    return add(
        name,
        "Dense",
        config,
        List.of(from),
        new Dims(1, 1, units, true),
        x -> NhwcReference.activation(NhwcReference.dense(x.get(0), k, units, b), activation));
  }

  /** A layer of any class, with no weights and no reference computation. */
  String other(String name, String className, String from) {
    return add(name, className, layerConfig(), List.of(from), dims.get(from), null);
  }

  /**
   * Puts a text field into a layer's config (to see it survive the minified form); the config
   * object is shared with {@link #model}.
   */
  void annotate(String layer, String key, String text) {
    annotate(layer, key, JSON.getNodeFactory().textNode(text));
  }

  /** Puts any value into a layer's config. */
  void annotate(String layer, String key, JsonNode value) {
    layers.stream()
        .filter(l -> l.path("name").asText().equals(layer))
        .forEach(l -> ((ObjectNode) l.get("config")).set(key, value));
  }

  private String add(
      String name,
      String className,
      ObjectNode config,
      List<String> from,
      Dims out,
      Function<List<Act>, Act> computation) {
    if (dims.containsKey(name)) {
      throw new IllegalArgumentException("two layers named " + name);
    }
    config.put("name", name);
    ObjectNode layer = JSON.createObjectNode();
    layer.put("class_name", className);
    layer.set("config", config);
    layer.put("name", name);
    ArrayNode node = JSON.createArrayNode();
    for (String f : from) {
      node.addArray().add(f).add(0).add(0).addObject();
    }
    ArrayNode inbound = layer.putArray("inbound_nodes");
    if (!from.isEmpty()) {
      inbound.add(node);
    }
    layers.add(layer);
    kerasLayers.add(new KerasLayer(name, className, config, from));
    dims.put(name, out);
    inputsOf.put(name, from);
    reference.put(name, computation);
    last = name;
    return name;
  }

  private ObjectNode layerConfig() {
    ObjectNode config = JSON.createObjectNode();
    config.put("trainable", true);
    config.put("dtype", "float32");
    return config;
  }

  /** What Keras writes about initialisers: nested objects, a null, a 1.0 a minifier writes 1. */
  private static void initializers(ObjectNode config) {
    ObjectNode init = config.putObject("kernel_initializer");
    init.put("class_name", "VarianceScaling");
    ObjectNode initConfig = init.putObject("config");
    initConfig.put("scale", 1.0);
    initConfig.put("mode", "fan_avg");
    initConfig.put("distribution", "uniform");
    initConfig.putNull("seed");
    config.putObject("bias_initializer").put("class_name", "Zeros").putObject("config");
    config.putNull("kernel_regularizer");
  }

  private static double fanIn(int[] kernel, int channels) {
    return Math.sqrt(3.0 / (kernel[0] * kernel[1] * channels));
  }

  private float[] uniform(int n, double bound) {
    return uniform(n, -bound, bound);
  }

  private float[] uniform(int n, double low, double high) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (low + (high - low) * random.nextDouble());
    }
    return values;
  }

  private static Tensor tensor(float[] values, long... shape) {
    return new Tensor(shape, values);
  }

  /** Random input of the input layer's shape, in [-1, 1). */
  Act randomInput(int batch) {
    Dims in = dims.get(input);
    Act x = new Act(batch, in.h(), in.w(), in.c());
    for (int i = 0; i < x.v().length; i++) {
      x.v()[i] = (float) (2 * random.nextDouble() - 1);
    }
    return x;
  }

  // ---- what the model is ----------------------------------------------------------------------

  /** The model as the reader should return it (float32 weights). */
  KerasModel model() {
    return new KerasModel(kerasLayers, weights);
  }

  Map<String, Tensor> weights() {
    return weights;
  }

  String inputName() {
    return input;
  }

  String lastName() {
    return last;
  }

  /** The output of {@code layer} for {@code x}, computed by {@link NhwcReference}. */
  Act reference(String layer, Act x) {
    return reference(layer, x, new HashMap<>());
  }

  private Act reference(String layer, Act x, Map<String, Act> done) {
    if (layer.equals(input)) {
      return x;
    }
    Act cached = done.get(layer);
    if (cached != null) {
      return cached;
    }
    Function<List<Act>, Act> computation = reference.get(layer);
    if (computation == null) {
      throw new IllegalArgumentException("no reference for " + layer);
    }
    List<Act> args = new ArrayList<>();
    for (String from : inputsOf.get(layer)) {
      args.add(reference(from, x, done));
    }
    Act out = computation.apply(args);
    done.put(layer, out);
    return out;
  }

  // ---- writing ---------------------------------------------------------------------------------

  /** The Keras topology as TensorFlow.js saves it: a functional Model. */
  ObjectNode topology() {
    ObjectNode topology = JSON.createObjectNode();
    topology.put("class_name", "Model");
    ObjectNode config = topology.putObject("config");
    config.put("name", "fixture");
    ArrayNode list = config.putArray("layers");
    layers.forEach(l -> list.add(l.deepCopy()));
    config.putArray("input_layers").addArray().add(input).add(0).add(0);
    config.putArray("output_layers").addArray().add(last).add(0).add(0);
    topology.put("keras_version", "2.1.6");
    topology.put("backend", "tensorflow");
    return topology;
  }

  /**
   * The topology of a Sequential model (layers without inbound nodes, the input layer left out and
   * its shape given to the first layer): only for a chain of layers.
   */
  ObjectNode sequentialTopology() {
    ObjectNode topology = JSON.createObjectNode();
    topology.put("class_name", "Sequential");
    ObjectNode config = topology.putObject("config");
    config.put("name", "sequential_1");
    ArrayNode list = config.putArray("layers");
    JsonNode shape = null;
    for (ObjectNode layer : layers) {
      if (layer.path("class_name").asText().equals("InputLayer")) {
        shape = layer.path("config").path("batch_input_shape");
        continue;
      }
      ObjectNode copy = layer.deepCopy();
      copy.remove("inbound_nodes");
      copy.remove("name");
      if (list.isEmpty()) {
        ((ObjectNode) copy.get("config")).set("batch_input_shape", shape);
      }
      list.add(copy);
    }
    return topology;
  }

  /** {@code model.json} and binary shards {@code groupG-shardIofN.bin}. */
  Written writeJson(Path dir, Storage storage, int groups, int shardsPerGroup) throws IOException {
    return writeJson(dir, topology(), storage, groups, shardsPerGroup);
  }

  Written writeJson(Path dir, ObjectNode topology, Storage storage, int groups, int shardsPerGroup)
      throws IOException {
    Encoded encoded = encode(storage, groups, shardsPerGroup, g -> ".bin");
    ObjectNode document = document(topology, encoded.manifest());
    Path model = dir.resolve("model.json");
    Files.writeString(model, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
    List<Path> shards = new ArrayList<>();
    for (Map.Entry<String, byte[]> shard : encoded.shards().entrySet()) {
      Path file = dir.resolve(shard.getKey());
      Files.write(file, shard.getValue());
      shards.add(file);
    }
    return new Written(model, shards, encoded.weights(), encoded.quantisation(), encoded.codes());
  }

  /**
   * {@code model.min.js} and shards {@code groupG-shardIofN.min.js}, as nsfwjs ships them; the
   * manifest names the shards without {@code .min.js} unless {@code suffixInManifest}.
   */
  Written writeJs(
      Path dir, Storage storage, int groups, int shardsPerGroup, boolean suffixInManifest)
      throws IOException {
    Encoded encoded =
        encode(storage, groups, shardsPerGroup, g -> suffixInManifest ? ".min.js" : "");
    ObjectNode document = document(topology(), encoded.manifest());
    Path model = dir.resolve("model.min.js");
    Files.writeString(
        model,
        "/*! fixture */!function(n){n.exports=function(){return 1}}(),"
            + "{12:function(e,t){e.exports="
            + minified(document)
            + "}};",
        StandardCharsets.UTF_8);
    List<Path> shards = new ArrayList<>();
    for (Map.Entry<String, byte[]> shard : encoded.shards().entrySet()) {
      String name =
          shard.getKey().endsWith(".min.js") ? shard.getKey() : shard.getKey() + ".min.js";
      Path file = dir.resolve(name);
      Files.writeString(
          file,
          "!function(n){n.exports=n||{}}(),{7:function(e,t){e.exports=\""
              + Base64.getEncoder().encodeToString(shard.getValue())
              + "\"}};",
          StandardCharsets.US_ASCII);
      shards.add(file);
    }
    return new Written(model, shards, encoded.weights(), encoded.quantisation(), encoded.codes());
  }

  private static ObjectNode document(ObjectNode topology, ArrayNode manifest) {
    ObjectNode document = JSON.createObjectNode();
    document.put("format", "layers-model");
    document.put("generatedBy", "keras v2.1.6");
    document.put("convertedBy", "TensorFlow.js Converter v1.7.4");
    document.set("modelTopology", topology);
    document.set("weightsManifest", manifest);
    return document;
  }

  private record Encoded(
      ArrayNode manifest,
      Map<String, byte[]> shards,
      Map<String, Tensor> weights,
      Map<String, double[]> quantisation,
      Map<String, int[]> codes) {}

  private Encoded encode(
      Storage storage, int groups, int shardsPerGroup, Function<Integer, String> suffix) {
    ArrayNode manifest = JSON.createArrayNode();
    Map<String, byte[]> shards = new LinkedHashMap<>();
    Map<String, Tensor> decoded = new LinkedHashMap<>();
    Map<String, double[]> quantisation = new LinkedHashMap<>();
    Map<String, int[]> codes = new LinkedHashMap<>();
    List<Map.Entry<String, Tensor>> all = new ArrayList<>(weights.entrySet());
    for (int g = 0; g < groups; g++) {
      List<Map.Entry<String, Tensor>> part =
          all.subList(g * all.size() / groups, (g + 1) * all.size() / groups);
      ObjectNode group = manifest.addObject();
      ArrayNode entries = JSON.createArrayNode();
      ByteBuffer data = ByteBuffer.allocate(bytes(part, storage));
      data.order(ByteOrder.LITTLE_ENDIAN);
      for (Map.Entry<String, Tensor> weight : part) {
        ObjectNode entry = entries.addObject();
        entry.put("name", weight.getKey());
        ArrayNode shape = entry.putArray("shape");
        for (long d : weight.getValue().shape()) {
          shape.add(d);
        }
        entry.put("dtype", "float32");
        float[] values = weight.getValue().data();
        float[] out = new float[values.length];
        switch (storage) {
          case FLOAT32 -> {
            for (int i = 0; i < values.length; i++) {
              data.putFloat(values[i]);
              out[i] = values[i];
            }
          }
          case FLOAT16 -> {
            entry.putObject("quantization").put("dtype", "float16");
            for (int i = 0; i < values.length; i++) {
              short half = Float.floatToFloat16(values[i]);
              data.putShort(half);
              out[i] = Float.float16ToFloat(half);
            }
          }
          case UINT8, UINT16 -> {
            int levels = storage == Storage.UINT8 ? 255 : 65535;
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float v : values) {
              lo = Math.min(lo, v);
              hi = Math.max(hi, v);
            }
            // as the converter writes them: float32 numbers
            double min = lo;
            double scale = hi > lo ? (float) ((hi - lo) / (double) levels) : 1.0;
            ObjectNode q = entry.putObject("quantization");
            q.put("dtype", storage == Storage.UINT8 ? "uint8" : "uint16");
            q.put("min", min);
            q.put("scale", scale);
            int[] stored = new int[values.length];
            for (int i = 0; i < values.length; i++) {
              int code = (int) Math.round((values[i] - min) / scale);
              code = Math.max(0, Math.min(levels, code));
              stored[i] = code;
              if (storage == Storage.UINT8) {
                data.put((byte) code);
              } else {
                data.putShort((short) code);
              }
              out[i] = (float) (code * scale + min);
            }
            quantisation.put(weight.getKey(), new double[] {min, scale});
            codes.put(weight.getKey(), stored);
          }
        }
        decoded.put(weight.getKey(), new Tensor(weight.getValue().shape(), out));
      }
      byte[] bytes = data.array();
      ArrayNode paths = group.putArray("paths");
      for (int s = 0; s < shardsPerGroup; s++) {
        // split anywhere, mid-value included, as the converter splits at a byte count
        int from = s * bytes.length / shardsPerGroup;
        int to = (s + 1) * bytes.length / shardsPerGroup;
        String name =
            "group%d-shard%dof%d%s".formatted(g + 1, s + 1, shardsPerGroup, suffix.apply(g));
        paths.add(name);
        byte[] shard = new byte[to - from];
        System.arraycopy(bytes, from, shard, 0, shard.length);
        shards.put(name, shard);
      }
      group.set("weights", entries);
    }
    return new Encoded(manifest, shards, decoded, quantisation, codes);
  }

  private static int bytes(List<Map.Entry<String, Tensor>> part, Storage storage) {
    int perValue =
        switch (storage) {
          case FLOAT32 -> 4;
          case UINT16, FLOAT16 -> 2;
          case UINT8 -> 1;
        };
    return part.stream().mapToInt(e -> e.getValue().data().length * perValue).sum();
  }

  // ---- minified JavaScript ----------------------------------------------------------------------

  /**
   * {@code node} as a minifier writes an object literal: keys unquoted, {@code !0} and {@code !1}
   * for true and false, numbers without a leading zero ({@code .5}, {@code -.25}) or a trailing
   * {@code .0} ({@code 1}), strings in double quotes unless they hold one.
   */
  static String minified(JsonNode node) {
    StringBuilder out = new StringBuilder();
    minify(node, out);
    return out.toString();
  }

  private static void minify(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      out.append('{');
      Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String key = field.getKey();
        out.append(key.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? key : quoted(key)).append(':');
        minify(field.getValue(), out);
        if (fields.hasNext()) {
          out.append(',');
        }
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        minify(node.get(i), out);
      }
      out.append(']');
    } else if (node.isBoolean()) {
      out.append(node.asBoolean() ? "!0" : "!1");
    } else if (node.isNull()) {
      out.append("null");
    } else if (node.isIntegralNumber()) {
      out.append(node.asText());
    } else if (node.isNumber()) {
      out.append(number(node.asDouble()));
    } else {
      out.append(quoted(node.asText()));
    }
  }

  /** A number as a minifier writes it: 1, .001, -.25, 1e-5, 1.5e-7. */
  static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    String s = Double.toString(d).replace("E", "e").replace(".0e", "e");
    if (s.startsWith("0.")) {
      return s.substring(1);
    }
    if (s.startsWith("-0.")) {
      return "-" + s.substring(2);
    }
    return s;
  }

  private static String quoted(String text) {
    if (text.contains("\"") && !text.contains("'")) {
      return "'" + text.replace("\\", "\\\\") + "'";
    }
    try {
      return JSON.writeValueAsString(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
