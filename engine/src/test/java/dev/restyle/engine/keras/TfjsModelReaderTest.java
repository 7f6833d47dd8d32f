package dev.restyle.engine.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restyle.engine.keras.TfjsFixture.Storage;
import dev.restyle.engine.keras.TfjsFixture.Written;
import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TfjsModelReaderTest {
  @TempDir Path dir;

  /** A model with every kind of weight: conv with and without bias, depthwise, BN, dense. */
  static TfjsFixture smallModel(long seed) {
    TfjsFixture f = new TfjsFixture(seed);
    String x = f.input("input_1", 7, 6, 3);
    String a = f.conv("conv2d_1", x, 8, new int[] {3, 3}, 2, "same", 1, false, "linear");
    String b = f.batchNorm("batch_normalization_1", a, false);
    String c = f.activation("activation_1", b, "relu");
    String d = f.depthwise("depthwise_1", c, 3, 2, 1, "same", true);
    String e = f.batchNorm("batch_normalization_2", d, true);
    String g = f.conv("conv2d_2", e, 5, 1, 1, "valid");
    String h = f.pool("max_pooling2d_1", g, true, 2, 2, "valid");
    String i = f.flatten("flatten_1", h);
    f.dense("dense_1", i, 4, "softmax");
    return f;
  }

  @Test
  void float32WeightsRoundTripExactly() throws IOException {
    TfjsFixture f = smallModel(1);
    Written written = f.writeJson(dir, Storage.FLOAT32, 1, 3);
    assertEquals(3, written.shards().size());
    KerasModel model = TfjsModelReader.read(written.modelFile());
    assertSameLayers(f.model(), model);
    assertWeightsEqual(f.weights(), model.weights());
  }

  @Test
  void weightsSpreadOverTwoGroupsOfShardsRoundTrip() throws IOException {
    TfjsFixture f = smallModel(2);
    Written written = f.writeJson(dir, Storage.FLOAT32, 2, 2);
    assertEquals(
        List.of(
            "group1-shard1of2.bin",
            "group1-shard2of2.bin",
            "group2-shard1of2.bin",
            "group2-shard2of2.bin"),
        written.shards().stream().map(p -> p.getFileName().toString()).toList());
    KerasModel model = TfjsModelReader.read(written.modelFile());
    assertWeightsEqual(f.weights(), model.weights());
    assertEquals(
        List.copyOf(f.weights().keySet()), List.copyOf(model.weights().keySet()), "in order");
  }

  @ParameterizedTest
  @EnumSource(
      value = Storage.class,
      names = {"UINT8", "UINT16"})
  void quantisedWeightsAreQTimesScalePlusMinWithinHalfAStep(Storage storage) throws IOException {
    TfjsFixture f = smallModel(3);
    Written written = f.writeJson(dir, storage, 1, 2);
    KerasModel model = TfjsModelReader.read(written.modelFile());
    assertEquals(f.weights().keySet(), model.weights().keySet());
    int levels = storage == Storage.UINT8 ? 255 : 65535;
    for (Map.Entry<String, Tensor> e : f.weights().entrySet()) {
      String name = e.getKey();
      float[] original = e.getValue().data();
      Tensor read = model.weights().get(name);
      assertArrayEquals(e.getValue().shape(), read.shape(), name);
      double min = written.quantisation().get(name)[0];
      double scale = written.quantisation().get(name)[1];
      int[] codes = written.codes().get(name);
      assertEquals(levels, Arrays.stream(codes).max().orElseThrow(), name + ": the full range");
      for (int i = 0; i < original.length; i++) {
        assertEquals((float) (codes[i] * scale + min), read.data()[i], 0f, name + "[" + i + "]");
        // half a step, plus the rounding of the dequantised value to float32
        double allowed = scale / 2 + Math.ulp(original[i]);
        assertTrue(
            Math.abs(read.data()[i] - original[i]) <= allowed,
            name + "[" + i + "]: " + read.data()[i] + " vs " + original[i] + ", step " + scale);
      }
    }
  }

  @Test
  void float16WeightsAreTheNearestHalfFloats() throws IOException {
    TfjsFixture f = smallModel(4);
    KerasModel model = TfjsModelReader.read(f.writeJson(dir, Storage.FLOAT16, 1, 2).modelFile());
    for (Map.Entry<String, Tensor> e : f.weights().entrySet()) {
      float[] original = e.getValue().data();
      float[] read = model.weights().get(e.getKey()).data();
      for (int i = 0; i < original.length; i++) {
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(original[i])), read[i], 0f);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"FLOAT32, false", "UINT8, false", "UINT16, true"})
  void javaScriptModulesGiveTheSameModelAsJson(Storage storage, boolean suffixInManifest)
      throws IOException {
    TfjsFixture f = smallModel(5);
    f.annotate("conv2d_2", "note", "kept \"as is\": !0, !1, .5, -.25, exports={}");
    f.annotate("conv2d_2", "offset", TfjsFixture.JSON.getNodeFactory().numberNode(-0.25));
    Path json = Files.createDirectory(dir.resolve("json"));
    Path js = Files.createDirectory(dir.resolve("js"));
    KerasModel fromJson = TfjsModelReader.read(f.writeJson(json, storage, 1, 2).modelFile());
    Written written = f.writeJs(js, storage, 1, 2, suffixInManifest);
    assertEquals(
        List.of("group1-shard1of2.min.js", "group1-shard2of2.min.js"),
        written.shards().stream().map(p -> p.getFileName().toString()).toList());

    // the fixture writes what a minifier writes
    String text = Files.readString(written.modelFile());
    assertTrue(text.contains("modelTopology:{class_name:\"Model\""), "unquoted keys");
    assertTrue(text.contains("trainable:!0") && text.contains("sparse:!1"), "!0 and !1");
    assertTrue(text.contains("epsilon:.001"), "leading-dot numbers");
    assertTrue(text.contains("offset:-.25"), "negative leading-dot numbers");
    assertTrue(text.contains("scale:1,"), "1.0 written as 1");

    KerasModel fromJs = TfjsModelReader.read(written.modelFile());
    assertSameLayers(fromJson, fromJs);
    assertWeightsEqual(fromJson.weights(), fromJs.weights());
    assertEquals(
        "kept \"as is\": !0, !1, .5, -.25, exports={}",
        fromJs.layer("conv2d_2").config().path("note").asText());
  }

  /** A chain of layers, to be written as a Sequential model; its input layer is "input". */
  static TfjsFixture sequentialModel(long seed) {
    TfjsFixture f = new TfjsFixture(seed);
    String x = f.input("input", 6, 6, 2);
    String a = f.conv("conv2d_1", x, 4, 3, 1, "same");
    String b = f.batchNorm("batch_normalization_1", a, true);
    String c = f.relu("re_lu_1", b, null);
    String d = f.pool("average_pooling2d_1", c, false, 2, 2, "valid");
    String e = f.flatten("flatten_1", d);
    f.dense("dense_1", e, 3, "linear");
    return f;
  }

  @Test
  void sequentialModelWithoutInboundNodesReads() throws IOException {
    TfjsFixture f = sequentialModel(6);
    ObjectNode topology = f.sequentialTopology();
    assertTrue(topology.toString().indexOf("inbound_nodes") < 0, "no inbound_nodes: " + topology);

    KerasModel model =
        TfjsModelReader.read(f.writeJson(dir, topology, Storage.FLOAT32, 1, 2).modelFile());
    assertSameLayers(f.model(), model);
    assertWeightsEqual(f.weights(), model.weights());

    // Keras 1 wrote a Sequential config as the bare list of layers
    ObjectNode old = topology.deepCopy();
    old.set("config", topology.path("config").path("layers").deepCopy());
    Path older = Files.createDirectory(dir.resolve("older"));
    KerasModel oldModel =
        TfjsModelReader.read(f.writeJson(older, old, Storage.FLOAT32, 1, 1).modelFile());
    assertSameLayers(f.model(), oldModel);
  }

  // ---- refused ----------------------------------------------------------------------------------

  @Test
  void shardCutShortIsRefused() throws IOException {
    Written written = smallModel(7).writeJson(dir, Storage.FLOAT32, 1, 2);
    Path first = written.shards().get(0);
    byte[] bytes = Files.readAllBytes(first);
    Files.write(first, Arrays.copyOf(bytes, bytes.length - 1));
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    assertTrue(e.getMessage().contains(written.modelFile().toString()), e.getMessage());
  }

  @Test
  void shardWithExtraBytesIsRefused() throws IOException {
    Written written = smallModel(8).writeJson(dir, Storage.UINT8, 1, 2);
    Path last = written.shards().get(1);
    byte[] bytes = Files.readAllBytes(last);
    Files.write(last, Arrays.copyOf(bytes, bytes.length + 4));
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("altered"), e.getMessage());
  }

  @Test
  void missingShardIsRefused() throws IOException {
    Written written = smallModel(9).writeJson(dir, Storage.FLOAT32, 1, 2);
    Files.delete(written.shards().get(1));
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
    assertTrue(e.getMessage().contains("group1-shard2of2"), e.getMessage());
  }

  @Test
  void missingShardModuleIsRefused() throws IOException {
    Written written = smallModel(9).writeJs(dir, Storage.FLOAT32, 1, 2, false);
    Files.delete(written.shards().get(0));
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void shardModuleCutShortIsRefused() throws IOException {
    Written written = smallModel(10).writeJs(dir, Storage.FLOAT32, 1, 2, false);
    Path shard = written.shards().get(1);
    String text = Files.readString(shard);
    String base64 = text.substring(text.indexOf("exports=\"") + 9, text.lastIndexOf('"'));
    byte[] bytes = Base64.getDecoder().decode(base64);
    String shorter = Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, bytes.length - 3));
    Files.writeString(shard, text.replace(base64, shorter));
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("cut short"), e.getMessage());
  }

  @Test
  void shardModuleThatIsNotOneIsRefused() throws IOException {
    Written written = smallModel(11).writeJs(dir, Storage.FLOAT32, 1, 2, false);
    Path shard = written.shards().get(0);
    Files.writeString(shard, "module.exports=require('./other')");
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("exports="), e.getMessage());
    assertTrue(e.getMessage().contains(shard.getFileName().toString()), e.getMessage());

    Files.writeString(shard, "e.exports=\"not base64!\"");
    assertTrue(refused(written.modelFile()).getMessage().contains("not a weights shard"));

    Files.writeString(shard, "e.exports=\"QUJD");
    assertTrue(refused(written.modelFile()).getMessage().contains("cut short"));
  }

  @Test
  void malformedJsonIsRefused() throws IOException {
    Written written = smallModel(12).writeJson(dir, Storage.FLOAT32, 1, 1);
    String text = Files.readString(written.modelFile());
    Files.writeString(written.modelFile(), text.substring(0, text.length() / 2));
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("not a readable TensorFlow.js model"), e.getMessage());

    Files.writeString(written.modelFile(), "{\"modelTopology\": {\"class_name\": }");
    assertTrue(refused(written.modelFile()).getMessage().contains("not a readable"));
  }

  @Test
  void jsonThatIsNotAModelIsRefused() throws IOException {
    Written written = smallModel(13).writeJson(dir, Storage.FLOAT32, 1, 1);
    Files.writeString(written.modelFile(), "{\"format\": \"graph-model\"}");
    assertTrue(refused(written.modelFile()).getMessage().contains("no modelTopology"));

    Written again = smallModel(13).writeJson(dir, Storage.FLOAT32, 1, 1);
    editDocument(again.modelFile(), d -> d.remove("weightsManifest"));
    assertTrue(refused(again.modelFile()).getMessage().contains("no weightsManifest"));

    editDocument(
        again.modelFile(),
        d -> ((ObjectNode) d.path("modelTopology").path("config")).putArray("layers"));
    assertTrue(refused(again.modelFile()).getMessage().contains("no layers"));
  }

  @Test
  void javaScriptModuleWithoutExportsIsRefused() throws IOException {
    Written written = smallModel(14).writeJs(dir, Storage.FLOAT32, 1, 2, false);
    String text = Files.readString(written.modelFile());
    Files.writeString(written.modelFile(), text.replace("exports=", "result="));
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("exports="), e.getMessage());

    Files.writeString(written.modelFile(), text.substring(0, text.length() - 20));
    e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("cut short"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"quantization, int8", "dtype, float64", "dtype, bool"})
  void unsupportedDtypeIsRefused(String where, String dtype) throws IOException {
    Written written = smallModel(15).writeJson(dir, Storage.FLOAT32, 1, 2);
    editDocument(
        written.modelFile(),
        d -> {
          ObjectNode entry = (ObjectNode) d.path("weightsManifest").get(0).path("weights").get(1);
          if (where.equals("dtype")) {
            entry.put("dtype", dtype);
          } else {
            entry.putObject("quantization").put("dtype", dtype).put("min", 0.0).put("scale", 1.0);
          }
        });
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("'" + dtype + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("not supported"), e.getMessage());
  }

  @Test
  void quantisationWithoutScaleIsRefused() throws IOException {
    Written written = smallModel(16).writeJson(dir, Storage.UINT8, 1, 2);
    editDocument(
        written.modelFile(),
        d ->
            ((ObjectNode)
                    d.path("weightsManifest").get(0).path("weights").get(0).get("quantization"))
                .remove("scale"));
    assertTrue(refused(written.modelFile()).getMessage().contains("without scale and min"));
  }

  @Test
  void negativeDimensionIsRefused() throws IOException {
    Written written = smallModel(17).writeJson(dir, Storage.FLOAT32, 1, 1);
    editDocument(
        written.modelFile(),
        d -> {
          ArrayNode shape =
              (ArrayNode) d.path("weightsManifest").get(0).path("weights").get(0).path("shape");
          shape.set(0, -shape.get(0).asInt());
        });
    CorruptFileException e = refused(written.modelFile());
    assertTrue(e.getMessage().contains("negative"), e.getMessage());
  }

  @Test
  void shardPathOutsideTheFolderIsRefused() throws IOException {
    Written written = smallModel(18).writeJson(dir, Storage.FLOAT32, 1, 1);
    editDocument(
        written.modelFile(),
        d ->
            ((ArrayNode) d.path("weightsManifest").get(0).path("paths"))
                .set(0, "../group1-shard1of1.bin"));
    assertTrue(refused(written.modelFile()).getMessage().contains("leaves the folder"));
  }

  @Test
  void layerReadingALaterLayerIsRefused() throws IOException {
    Written written = smallModel(19).writeJson(dir, Storage.FLOAT32, 1, 1);
    editDocument(
        written.modelFile(),
        d -> {
          ArrayNode layers = (ArrayNode) d.path("modelTopology").path("config").path("layers");
          JsonNode conv = layers.remove(1);
          layers.add(conv);
        });
    assertTrue(refused(written.modelFile()).getMessage().contains("does not come before it"));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static CorruptFileException refused(Path modelFile) {
    return assertThrows(CorruptFileException.class, () -> TfjsModelReader.read(modelFile));
  }

  private static void editDocument(Path modelFile, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode document = (ObjectNode) TfjsFixture.JSON.readTree(modelFile.toFile());
    edit.accept(document);
    Files.writeString(
        modelFile, TfjsFixture.JSON.writeValueAsString(document), StandardCharsets.UTF_8);
  }

  /** Numbers compare by value: a minifier writes 1.0 as 1. */
  private static final Comparator<JsonNode> BY_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return Double.compare(a.asDouble(), b.asDouble());
        }
        return a.equals(b) ? 0 : 1;
      };

  static void assertSameLayers(KerasModel expected, KerasModel actual) {
    assertEquals(
        expected.layers().stream().map(KerasLayer::name).toList(),
        actual.layers().stream().map(KerasLayer::name).toList());
    for (int i = 0; i < expected.layers().size(); i++) {
      KerasLayer e = expected.layers().get(i);
      KerasLayer a = actual.layers().get(i);
      assertEquals(e.className(), a.className(), e.name());
      assertEquals(e.inputs(), a.inputs(), e.name());
      if (!e.className().equals("InputLayer")) {
        // a Sequential model's input layer is made up by the reader
        ObjectNode expectedConfig = ((ObjectNode) e.config()).deepCopy();
        ObjectNode actualConfig = ((ObjectNode) a.config()).deepCopy();
        actualConfig.remove("batch_input_shape");
        assertTrue(
            expectedConfig.equals(BY_VALUE, actualConfig),
            e.name() + ": " + expectedConfig + " vs " + actualConfig);
      }
    }
  }

  static void assertWeightsEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach(
        (name, t) -> {
          assertArrayEquals(t.shape(), actual.get(name).shape(), name);
          assertArrayEquals(t.data(), actual.get(name).data(), name);
        });
  }
}
