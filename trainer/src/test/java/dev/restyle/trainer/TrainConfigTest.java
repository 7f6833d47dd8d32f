package dev.restyle.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.TestImages;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.StyleLoss;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.Upsampling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {
  @TempDir Path dir;

  private Path style;
  private Path photos;

  @BeforeEach
  void createInputs() throws IOException {
    style = TestImages.write(TestImages.stripes(32, 32, 4), dir.resolve("style.png"));
    photos = Files.createDirectory(dir.resolve("photos"));
  }

  @Test
  void configsWrittenBeforeTheFastKnobsReadAsJohnsonsLayout() throws IOException {
    TrainConfig config = TrainConfig.defaults("wave", style, photos);
    String json = config.toJson();
    String old =
        json.replace(",\"downscale\":1", "")
            .replace(",\"edgeKernel\":9", "")
            .replace(",\"separable\":false", "");
    assertFalse(old.contains("downscale"), old);
    assertEquals(config, TrainConfig.fromJson(old));
  }

  @Test
  void configsWrittenBeforeTheHoldoutReadAsTrainingOnEveryPhoto() throws IOException {
    TrainConfig config = TrainConfig.defaults("wave", style, photos);
    assertEquals(TrainConfig.DEFAULT_HOLDOUT, config.holdout());
    WrittenBefore old = writtenWithout(config, "holdout", "30");
    assertEquals(config.withHoldout(0), old.json());
    assertEquals(0, old.yaml().holdout());
  }

  /** A config as read from its JSON and its YAML once the field is taken out of both. */
  private record WrittenBefore(TrainConfig json, TrainConfig yaml) {}

  /** {@code config} read back as a config written before {@code field} existed would be. */
  private WrittenBefore writtenWithout(TrainConfig config, String field, String value)
      throws IOException {
    String json = config.toJson().replace(",\"" + field + "\":" + value, "");
    assertFalse(json.contains(field), json);

    Path yaml = dir.resolve("old.yaml");
    config.writeYaml(yaml);
    String text = Files.readString(yaml);
    assertTrue(text.contains(field + ": " + value), "saved in config.yaml: " + text);
    Files.writeString(yaml, text.replace(field + ": " + value + "\n", ""));
    return new WrittenBefore(TrainConfig.fromJson(json), TrainConfig.readYaml(yaml));
  }

  @Test
  void configsWrittenBeforeTheSlicedWassersteinLossReadAsGram() throws IOException {
    TrainConfig config =
        TrainConfig.defaults("wave", style, photos).with(Map.of("styleLoss", "sliced-wasserstein"));
    assertEquals(StyleLoss.SLICED_WASSERSTEIN, config.styleLossKind());
    String old = config.toJson().replace(",\"styleLoss\":\"sliced-wasserstein\"", "");
    assertFalse(old.contains("styleLoss"), old);
    assertEquals(StyleLoss.GRAM, TrainConfig.fromJson(old).styleLossKind());
  }

  @Test
  void withChangesNamedFieldsAndValidatesTheResult() {
    TrainConfig config = TrainConfig.defaults("wave", style, photos);
    Map<String, Object> changes = new HashMap<>();
    changes.put("steps", 7);
    changes.put("styleLoss", "gram");
    changes.put("seed", null);
    TrainConfig changed = config.with(changes);
    assertEquals(7, changed.steps());
    assertEquals(StyleLoss.GRAM, changed.styleLossKind());
    assertEquals(config.seed(), changed.seed(), "null leaves a field as it is");
    assertEquals(
        config,
        changed.with(Map.of("steps", config.steps(), "styleLoss", config.styleLossKind().id())));

    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> config.with(Map.of("stpes", 7)));
    assertTrue(unknown.getMessage().contains("stpes"), unknown.getMessage());
    IllegalArgumentException invalid =
        assertThrows(
            IllegalArgumentException.class,
            () -> config.with(Map.of("steps", -1, "styleLoss", "fourier")));
    assertTrue(invalid.getMessage().contains("steps must be positive"), invalid.getMessage());
    assertTrue(invalid.getMessage().contains("unknown style loss 'fourier'"), invalid.getMessage());
  }

  @Test
  void distillationAndGradientClipRoundTrip() throws IOException {
    TrainConfig config =
        TrainConfigs.from(sample())
            .set("gradientClip", 20.0)
            .set("jitter", 4)
            .set("temporalWeight", 50.0)
            .build()
            .withDistillation(new Distillation("starry_night", "ab".repeat(32), 10, 1, 0.5));
    assertEquals(config, TrainConfig.fromJson(config.toJson()));
    Path yaml = dir.resolve("distil.yaml");
    config.writeYaml(yaml);
    assertTrue(
        Files.readString(yaml).contains("teacher: \"starry_night\""), Files.readString(yaml));
    assertEquals(config, TrainConfig.readYaml(yaml));

    String old =
        config
            .withDistillation(null)
            .toJson()
            .replace(",\"gradientClip\":20.0", "")
            .replace(",\"jitter\":4", "")
            .replace(",\"temporalWeight\":50.0", "");
    assertFalse(
        old.contains("gradientClip")
            || old.contains("distillation")
            || old.contains("jitter")
            || old.contains("temporalWeight"),
        old);
    TrainConfig read = TrainConfig.fromJson(old);
    assertEquals(0.0, read.gradientClip(), "configs from before the clip read as off");
    assertEquals(0, read.jitter(), "configs from before the jitter read as off");
    assertEquals(0.0, read.temporalWeight(), "configs from before the stability term read as off");
    assertNull(read.distillation());
  }

  @Test
  void badGradientClipAndDistillationAreRefused() throws IOException {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainConfigs.from(sample()).set("gradientClip", -1.0).build());
    assertTrue(
        e.getMessage().contains("gradientClip must be zero (off) or a positive norm"),
        e.getMessage());
    IllegalArgumentException jitter =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainConfigs.from(sample()).set("jitter", -1).build());
    assertTrue(jitter.getMessage().contains("jitter must be 0 (off) to 16"), jitter.getMessage());
    IllegalArgumentException temporal =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainConfigs.from(sample()).set("temporalWeight", -1.0).build());
    assertTrue(
        temporal.getMessage().contains("temporalWeight must be zero (off) or positive"),
        temporal.getMessage());
    Path yaml = dir.resolve("bad.yaml");
    sample().withDistillation(Distillation.from("starry_night")).writeYaml(yaml);
    Files.writeString(yaml, Files.readString(yaml).replace("pixelWeight: 10.0", "pixelWeight: -2"));
    IOException bad = assertThrows(IOException.class, () -> TrainConfig.readYaml(yaml));
    assertTrue(
        bad.getMessage().contains("pixelWeight must be zero or more, got -2.0"), bad.getMessage());
  }

  @Test
  void configsWrittenBeforeSlicesReadAsOneDirectionPerChannel() throws IOException {
    TrainConfig config = TrainConfig.defaults("wave", style, photos);
    assertEquals(TrainConfig.DEFAULT_SLICES, config.slices());
    WrittenBefore old = writtenWithout(config, "slices", "16");
    assertEquals(0, old.json().slices());
    assertEquals(0, old.yaml().slices());
  }

  @Test
  void negativeSlicesAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainConfigs.from(sample()).set("slices", -1).build());
    assertTrue(
        e.getMessage().contains("slices must be zero (one per channel) or a positive count"),
        e.getMessage());
  }

  @Test
  void negativeHoldoutIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainConfigs.from(sample()).set("holdout", -3).build());
    assertTrue(
        e.getMessage().contains("holdout must be zero or more photos, got -3"), e.getMessage());
  }

  @Test
  void cropsMustFitADownscalingNetwork() {
    TrainConfig base = TrainConfig.defaults("wave", style, photos);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainConfigs.from(base).set("cropSize", 36).set("downscale", 2).build());
    assertTrue(e.getMessage().contains("multiple of 8"), e.getMessage());
  }

  @Test
  void defaultsAreValid() {
    TrainConfig config = TrainConfig.defaults("wave", style, photos);
    assertEquals(Architecture.JOHNSON, config.architecture());
    // inception-v3 where its weights are cached (restyle weights fetch), the random pyramid if not
    assertEquals(LossNetworks.defaultName(), config.lossNetwork());
    assertEquals(LossNetworks.defaultStyleLoss(config.lossNetwork()), config.styleLossKind());
    assertEquals(Path.of("runs", "wave"), config.output());
    assertNull(config.vggWeights());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TrainConfigs.from(sample())
                    .set("name", "Bad Name!")
                    .set("style", dir.resolve("missing.jpg"))
                    .set("steps", -5)
                    .set("lossNetwork", "alexnet")
                    .set("width", 0.3)
                    .build());
    String message = e.getMessage();
    assertTrue(message.contains("name must be"), message);
    assertTrue(message.contains("'Bad Name!'"), message);
    assertTrue(message.contains("style image"), message);
    assertTrue(message.contains("missing.jpg"), message);
    assertTrue(message.contains("steps must be positive, got -5"), message);
    assertTrue(message.contains("lossNetwork"), message);
    assertTrue(message.contains("alexnet"), message);
    assertTrue(message.contains("width"), message);
    assertTrue(message.contains("0.3"), message);
    assertFalse(message.contains("batchSize"), "valid fields are not reported: " + message);
    assertFalse(message.contains("photos"), "valid fields are not reported: " + message);
    assertEquals(5, message.split("; ").length, message);
  }

  @Test
  void numericRangesAreChecked() {
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    TrainConfigs.from(sample())
                        .set("photos", dir.resolve("no-photos"))
                        .set("output", null)
                        .set("batchSize", 0)
                        .set("cropSize", 30)
                        .set("styleSize", 8)
                        .set("learningRate", 1.5)
                        .set("contentWeight", -1)
                        .set("residualBlocks", 0)
                        .set("logEvery", 0)
                        .set("previewEvery", 0)
                        .set("checkpointEvery", 0)
                        .build())
            .getMessage();
    for (String problem :
        new String[] {
          "photos folder",
          "output folder is required",
          "batchSize must be positive",
          "cropSize must be a multiple of 4",
          "styleSize must be at least 16",
          "learningRate must be in (0, 1)",
          "must not be negative",
          "residualBlocks",
          "logEvery must be positive",
          "previewEvery must be positive",
          "checkpointEvery must be positive"
        }) {
      assertTrue(message.contains(problem), "'" + problem + "' in: " + message);
    }
  }

  @Test
  void yamlRoundTrip() throws IOException {
    TrainConfig config = sample();
    Path yaml = dir.resolve("config.yaml");
    config.writeYaml(yaml);
    String text = Files.readString(yaml);
    assertTrue(text.contains("name: \"tiny\"") || text.contains("name: tiny"), text);
    assertFalse(text.contains("vggWeights"), "null fields are left out: " + text);
    assertEquals(config, TrainConfig.readYaml(yaml));
  }

  @Test
  void jsonRoundTrip() throws IOException {
    TrainConfig config = sample();
    assertEquals(config, TrainConfig.fromJson(config.toJson()));
    TrainConfig withVgg =
        TrainConfigs.from(config)
            .set("lossNetwork", "vgg16")
            .set("vggWeights", dir.resolve("vgg16.pth"))
            .build();
    assertEquals(withVgg, TrainConfig.fromJson(withVgg.toJson()));
  }

  @Test
  void relativePathsSurviveTheRoundTrip() throws IOException {
    // What TrainConfig.defaults and the command line produce: output runs/NAME.
    TrainConfig config = TrainConfig.defaults("wave", style, photos);
    assertEquals(config.output(), TrainConfig.fromJson(config.toJson()).output());
    Path yaml = dir.resolve("config.yaml");
    config.writeYaml(yaml);
    assertEquals(config.output(), TrainConfig.readYaml(yaml).output());
  }

  @Test
  void upsamplingReachesTheArchitectureAndRoundTripsThroughYaml() throws IOException {
    TrainConfig config = sample().with(Map.of("upsampling", Upsampling.BILINEAR));
    assertEquals(Upsampling.BILINEAR, config.architecture().upsampling());
    Path yaml = dir.resolve("bilinear.yaml");
    config.writeYaml(yaml);
    assertTrue(Files.readString(yaml).contains("upsampling: \"bilinear\""));
    assertEquals(config, TrainConfig.readYaml(yaml));
    Files.writeString(
        yaml, Files.readString(yaml).replace("upsampling: \"bilinear\"", "upsampling: \"cubic\""));
    IOException e = assertThrows(IOException.class, () -> TrainConfig.readYaml(yaml));
    assertTrue(e.getMessage().contains("upsampling must be one of"), e.getMessage());
  }

  @Test
  void invalidValueInYamlIsRefused() throws IOException {
    Path yaml = dir.resolve("bad.yaml");
    sample().writeYaml(yaml);
    Files.writeString(yaml, Files.readString(yaml).replace("steps: 40", "steps: -1"));
    IOException e = assertThrows(IOException.class, () -> TrainConfig.readYaml(yaml));
    assertTrue(e.getMessage().contains("steps must be positive, got -1"), e.getMessage());
  }

  @Test
  void incompleteYamlNamesTheMissingFields() throws IOException {
    // Fields a hand-written config leaves out take the defaults; the ones without a default
    // (style, photos) are reported with the config's own message, not an exception from inside.
    Path yaml = dir.resolve("partial.yaml");
    Files.writeString(yaml, "name: tiny\nsteps: 10\n");
    IOException e = assertThrows(IOException.class, () -> TrainConfig.readYaml(yaml));
    assertTrue(e.getMessage().contains("invalid training config"), e.getMessage());
    assertTrue(e.getMessage().contains("style image null"), e.getMessage());
    assertTrue(e.getMessage().contains("photos folder null"), e.getMessage());
  }

  @Test
  void partialYamlTakesTheDefaults() throws IOException {
    Path yaml = dir.resolve("short.yaml");
    Files.writeString(
        yaml, "name: tiny\nstyle: " + style + "\nphotos: " + photos + "\nsteps: 10\n");
    TrainConfig config = TrainConfig.readYaml(yaml);
    TrainConfig defaults = TrainConfig.defaults("tiny", style, photos);
    assertEquals(10, config.steps());
    assertEquals(defaults.batchSize(), config.batchSize());
    assertEquals(defaults.lossNetwork(), config.lossNetwork());
    assertEquals(Path.of("runs", "tiny"), config.output());
  }

  /** A small valid config with every path absolute. */
  private TrainConfig sample() {
    return TrainConfigs.from(TrainConfig.defaults("tiny", style, photos))
        .set("output", dir.resolve("out"))
        .set("steps", 40)
        .set("cropSize", 32)
        .set("styleSize", 48)
        .set("learningRate", 1e-2)
        .set("tvWeight", 0.5)
        .set("width", 0.25)
        .set("residualBlocks", 1)
        .build();
  }
}
