package dev.restyle.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.restyle.engine.loss.InceptionLossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.LossWeights;
import dev.restyle.engine.loss.StyleLoss;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.Upsampling;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everything that defines a training run. Validated on construction: every problem is reported at
 * once, with the field name. Written as YAML beside every trained network and inside every
 * checkpoint, so a run can be reproduced or resumed from its files alone.
 *
 * @param name style name: the network is saved as NAME.rsn
 * @param style the style image
 * @param photos folder of training photos (JPEG or PNG)
 * @param output folder for checkpoints, logs, plots and previews
 * @param steps optimisation steps
 * @param batchSize crops per step
 * @param cropSize side of the square random crops, in pixels
 * @param styleSize longer side the style image is resized to before its Gram matrices are taken
 * @param learningRate Adam learning rate
 * @param contentWeight weight of the content loss
 * @param styleWeight weight of the style loss
 * @param tvWeight weight of the total-variation loss
 * @param lossNetwork {@code random-pyramid} or {@code random-cascade} (no download) or {@code
 *     vgg16}
 * @param vggWeights explicit path of torchvision's vgg16 weights, or null for the cache
 * @param width width multiplier of the style network
 * @param residualBlocks residual blocks of the style network
 * @param seed seed for initialisation and for the order of crops
 * @param logEvery steps between rows of the loss log
 * @param previewEvery steps between preview images
 * @param checkpointEvery steps between checkpoints
 * @param downscale internal downscale factor of the style network (1, 2 or 4; null: 1)
 * @param edgeKernel kernel of its first and last convolution (9, 5 or 3; null: 9)
 * @param separable depthwise-separable residual blocks (null: false)
 * @param upsampling how its upsampling stages interpolate (null: nearest, Johnson's)
 * @param holdout photos never trained on: the last N of the photos folder in name order, kept for
 *     evaluation (null: 0, what configs written before the split mean)
 * @param styleLoss how style layers are compared: {@code sliced-wasserstein}, {@code gram} or
 *     {@code mrf} (null: gram, what configs written before the sliced Wasserstein loss mean)
 * @param slices random directions per layer and step of the sliced Wasserstein loss (0 or null: one
 *     per channel of the layer, what configs written before the choice mean); fewer cost less per
 *     step for a noisier estimate
 * @param gradientClip largest global gradient norm an update may use; larger ones are scaled down
 *     to it (0 or null: no clipping). Steps with a non-finite loss or gradient are always skipped
 * @param jitter the loss network sees the output and the photo both cropped by a random offset of 0
 *     to {@code jitter - 1} pixels each step (0 or null: never), so the style network cannot line a
 *     fine texture up with the loss network's stride-2 grid, which it would reward
 * @param temporalWeight weight of the stability term (0 or null: off): each step the network also
 *     runs on its crops moved by up to a side multiple of pixels and given light noise, and the
 *     mean squared difference from its output on the unmoved crops, moved alike, is added to the
 *     loss (synthetic motion, as Gupta et al. 2017 and Huang et al. 2017 train stable networks)
 * @param distillation train by reproducing a trained teacher's output (null: the usual training)
 * @param initFrom network (style name or .rsn file) whose weights the run starts from instead of
 *     random ones: fine-tuning; its architecture must be the config's (null: random initialisation)
 * @param initFromSha256 SHA-256 of that network's file, pinned when the run starts
 * @param lossLayers with the inception-v3 loss network: its style and content layers and how they
 *     are read (null: {@link InceptionLossNetwork.Layers#DEFAULT}, written out when the run starts)
 * @param styleRegion the part of the style image the style is learnt from, before it is resized to
 *     {@code styleSize} (null: the whole image)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainConfig(
    String name,
    Path style,
    Path photos,
    Path output,
    int steps,
    int batchSize,
    int cropSize,
    int styleSize,
    double learningRate,
    double contentWeight,
    double styleWeight,
    double tvWeight,
    String lossNetwork,
    Path vggWeights,
    double width,
    int residualBlocks,
    long seed,
    int logEvery,
    int previewEvery,
    int checkpointEvery,
    Integer downscale,
    Integer edgeKernel,
    Boolean separable,
    Upsampling upsampling,
    Integer holdout,
    String styleLoss,
    Integer slices,
    Double gradientClip,
    Integer jitter,
    Double temporalWeight,
    Distillation distillation,
    String initFrom,
    String initFromSha256,
    InceptionLossNetwork.Layers lossLayers,
    StyleRegion styleRegion) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** Photos held out of training unless a config says otherwise. */
  public static final int DEFAULT_HOLDOUT = 30;

  /** Sliced Wasserstein directions per layer and step of new configs. */
  public static final int DEFAULT_SLICES = 16;

  /** Jitter of new configs. */
  public static final int DEFAULT_JITTER = 0;

  /** Gradient norm clip of new configs. */
  public static final double DEFAULT_GRADIENT_CLIP = 0;

  public TrainConfig {
    // Configs and checkpoints written before the fast network knobs existed leave them out.
    downscale = downscale == null ? 1 : downscale;
    edgeKernel = edgeKernel == null ? 9 : edgeKernel;
    separable = separable != null && separable;
    upsampling = upsampling == null ? Upsampling.NEAREST : upsampling;
    // Configs and checkpoints written before the held-out split trained on every photo.
    holdout = holdout == null ? 0 : holdout;
    // ... and before the sliced Wasserstein style loss, with Gram matrices.
    styleLoss = styleLoss == null ? StyleLoss.GRAM.id() : styleLoss;
    slices = slices == null ? 0 : slices;
    gradientClip = gradientClip == null ? 0.0 : gradientClip;
    jitter = jitter == null ? 0 : jitter;
    temporalWeight = temporalWeight == null ? 0.0 : temporalWeight;
    if (LossNetworks.INCEPTION_V3.equals(lossNetwork) && lossLayers == null) {
      lossLayers = InceptionLossNetwork.Layers.DEFAULT;
    }
    List<String> problems = new ArrayList<>();
    if (name == null || !NAME.matcher(name).matches()) {
      problems.add("name must be 1-64 lower-case letters, digits, '_' or '-', got '" + name + "'");
    }
    if (style == null || !Files.isRegularFile(style)) {
      problems.add("style image " + style + " does not exist");
    }
    if (photos == null || !Files.isDirectory(photos)) {
      problems.add("photos folder " + photos + " does not exist");
    }
    if (output == null) {
      problems.add("output folder is required");
    }
    positive(problems, "steps", steps);
    positive(problems, "batchSize", batchSize);
    if (cropSize < 16 || cropSize % 4 != 0) {
      problems.add("cropSize must be a multiple of 4 and at least 16, got " + cropSize);
    }
    if (styleSize < 16) {
      problems.add("styleSize must be at least 16, got " + styleSize);
    }
    if (styleRegion != null && style != null && Files.isRegularFile(style)) {
      styleRegion.misfit(style).ifPresent(problems::add);
    }
    if (!(learningRate > 0 && learningRate < 1)) {
      problems.add("learningRate must be in (0, 1), got " + learningRate);
    }
    try {
      new LossWeights(contentWeight, styleWeight, tvWeight);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (lossNetwork == null || !LossNetworks.NAMES.contains(lossNetwork)) {
      problems.add(
          "lossNetwork must be one of " + LossNetworks.NAMES + ", got '" + lossNetwork + "'");
    }
    try {
      Architecture a =
          new Architecture(width, residualBlocks, downscale, edgeKernel, separable, upsampling);
      if (cropSize % a.sideMultiple() != 0 || cropSize < a.minimumSide()) {
        problems.add(
            "cropSize must be a multiple of "
                + a.sideMultiple()
                + " and at least "
                + a.minimumSide()
                + " for a network with downscale "
                + downscale
                + ", got "
                + cropSize);
      }
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    positive(problems, "logEvery", logEvery);
    positive(problems, "previewEvery", previewEvery);
    positive(problems, "checkpointEvery", checkpointEvery);
    if (holdout < 0) {
      problems.add("holdout must be zero or more photos, got " + holdout);
    }
    try {
      StyleLoss.parse(styleLoss);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (slices < 0) {
      problems.add("slices must be zero (one per channel) or a positive count, got " + slices);
    }
    if (!(gradientClip >= 0) || gradientClip.isInfinite()) {
      problems.add("gradientClip must be zero (off) or a positive norm, got " + gradientClip);
    }
    if (jitter < 0 || jitter > 16 || jitter >= cropSize / 2) {
      problems.add("jitter must be 0 (off) to 16 pixels and under half the crop, got " + jitter);
    }
    if (!(temporalWeight >= 0) || temporalWeight.isInfinite()) {
      problems.add("temporalWeight must be zero (off) or positive, got " + temporalWeight);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid training config: " + String.join("; ", problems));
    }
  }

  /** The same config with another network shape. */
  public TrainConfig withArchitecture(Architecture a) {
    return with(
        Map.of(
            "width", a.width(),
            "residualBlocks", a.residualBlocks(),
            "downscale", a.downscale(),
            "edgeKernel", a.edgeKernel(),
            "separable", a.separable(),
            "upsampling", a.upsampling()));
  }

  /** The same config with another number of held-out photos. */
  public TrainConfig withHoldout(int photosHeldOut) {
    return with(Map.of("holdout", photosHeldOut));
  }

  /**
   * The same config with some fields changed, by record component name; null values leave a field
   * as it is. The result is validated like any other config.
   *
   * @throws IllegalArgumentException for a name that is not a field, or an invalid result
   */
  public TrainConfig with(Map<String, ?> changes) {
    ObjectNode tree = JSON.valueToTree(this);
    changes.forEach(
        (field, value) -> {
          if (!FIELDS.contains(field)) {
            throw new IllegalArgumentException("no training config field '" + field + "'");
          }
          if (value != null) {
            tree.set(field, JSON.valueToTree(value));
          }
        });
    return fromTree(tree);
  }

  private static TrainConfig fromTree(ObjectNode tree) {
    try {
      return JSON.treeToValue(tree, TrainConfig.class);
    } catch (IOException e) {
      throw unwrap(e);
    }
  }

  /** Validation errors reach Jackson as the cause of its own exception: give back the original. */
  private static IllegalArgumentException unwrap(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException iae) {
        return iae;
      }
    }
    return new IllegalArgumentException(e.getMessage(), e);
  }

  /** The same config, distilling as {@code d} says (null: the usual training). */
  public TrainConfig withDistillation(Distillation d) {
    return withOptional("distillation", d);
  }

  /** The same config, learning from {@code region} of the style image (null: all of it). */
  public TrainConfig withStyleRegion(StyleRegion region) {
    return withOptional("styleRegion", region);
  }

  /**
   * The same config with an optional field set, or removed when {@code value} is null ({@link
   * #with} leaves a field as it is for null).
   */
  private TrainConfig withOptional(String field, Object value) {
    if (value != null) {
      return with(Map.of(field, value));
    }
    ObjectNode tree = JSON.valueToTree(this);
    tree.remove(field);
    return fromTree(tree);
  }

  private static void positive(List<String> problems, String field, long value) {
    if (value <= 0) {
      problems.add(field + " must be positive, got " + value);
    }
  }

  /**
   * The same config under another loss network, with that network's default style loss, loss
   * weights and (for inception-v3) layers.
   */
  public TrainConfig withLossNetwork(String network) {
    LossWeights weights = LossNetworks.trainingWeights(network);
    ObjectNode tree = JSON.valueToTree(this);
    tree.put("lossNetwork", network);
    tree.put("styleLoss", LossNetworks.defaultStyleLoss(network).id());
    tree.put("contentWeight", weights.content());
    tree.put("styleWeight", weights.style());
    tree.put("tvWeight", weights.totalVariation());
    tree.remove("lossLayers");
    return fromTree(tree);
  }

  /**
   * Defaults for everything but the style, the photos and the name; {@value #DEFAULT_HOLDOUT}
   * photos are held out. The loss network is {@link LossNetworks#defaultName()}: inception-v3 where
   * its weights are cached, else the random pyramid.
   */
  public static TrainConfig defaults(String name, Path style, Path photos) {
    return randomDefaults(name, style, photos).withLossNetwork(LossNetworks.defaultName());
  }

  private static TrainConfig randomDefaults(String name, Path style, Path photos) {
    return new TrainConfig(
        name,
        style,
        photos,
        Path.of("runs", name),
        2000,
        4,
        256,
        384,
        1e-3,
        1.0,
        4.0,
        1.0,
        LossNetworks.RANDOM_PYRAMID,
        null,
        1.0,
        5,
        42,
        10,
        100,
        200,
        null,
        null,
        null,
        null,
        DEFAULT_HOLDOUT,
        StyleLoss.SLICED_WASSERSTEIN.id(),
        DEFAULT_SLICES,
        DEFAULT_GRADIENT_CLIP,
        DEFAULT_JITTER,
        0.0,
        null,
        null,
        null,
        null,
        null);
  }

  public Architecture architecture() {
    return new Architecture(width, residualBlocks, downscale, edgeKernel, separable, upsampling);
  }

  public StyleLoss styleLossKind() {
    return StyleLoss.parse(styleLoss);
  }

  public LossWeights lossWeights() {
    return new LossWeights(contentWeight, styleWeight, tvWeight);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TrainConfig fromJson(String json) throws IOException {
    return JSON.readValue(json, TrainConfig.class);
  }

  public void writeYaml(Path path) throws IOException {
    YAML.writeValue(path.toFile(), this);
  }

  /**
   * Reads a YAML config; fields it leaves out take the defaults of {@link #defaults} (output:
   * {@code runs/NAME}), except those added after the first configs were written, which read as what
   * such configs meant: {@code holdout} 0 (trained on every photo), {@code slices} 0 (one direction
   * per channel), {@code gradientClip}, {@code jitter} and {@code temporalWeight} 0.
   */
  public static TrainConfig readYaml(Path path) throws IOException {
    JsonNode given = YAML.readTree(path.toFile());
    if (given == null || !given.isObject()) {
      throw new IOException(path + ": a training config must be a YAML mapping of fields");
    }
    TrainConfig defaults = defaults("x", path, path.toAbsolutePath().getParent());
    if (given.hasNonNull("lossNetwork")
        && !given.get("lossNetwork").asText().equals(defaults.lossNetwork())
        && LossNetworks.NAMES.contains(given.get("lossNetwork").asText())) {
      defaults = defaults.withLossNetwork(given.get("lossNetwork").asText());
    }
    ObjectNode merged = YAML.valueToTree(defaults);
    merged.remove(
        List.of(
            "name",
            "style",
            "photos",
            "output",
            "holdout",
            "slices",
            "gradientClip",
            "jitter",
            "temporalWeight"));
    merged.setAll((ObjectNode) given);
    if (!merged.has("output") && merged.hasNonNull("name")) {
      merged.put("output", Path.of("runs", merged.get("name").asText()).toString());
    }
    return YAML.treeToValue(merged, TrainConfig.class);
  }

  /** Paths are written as typed (relative stays relative), not as file: URIs. */
  private static final SimpleModule PATHS =
      new SimpleModule().addSerializer(Path.class, new ToStringSerializer(Path.class));

  private static final List<String> FIELDS =
      Arrays.stream(TrainConfig.class.getRecordComponents()).map(RecordComponent::getName).toList();

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(PATHS);
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .registerModule(PATHS);
}
