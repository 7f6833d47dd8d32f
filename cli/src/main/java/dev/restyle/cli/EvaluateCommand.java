package dev.restyle.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.LossWeights;
import dev.restyle.engine.loss.RandomPyramidSpec;
import dev.restyle.engine.loss.StyleLoss;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.trainer.NetworkRef;
import dev.restyle.trainer.PhotoSplit;
import dev.restyle.trainer.StyleRegion;
import dev.restyle.trainer.TrainConfig;
import dev.restyle.trainer.TrainedWith;
import dev.restyle.trainer.evaluate.ContactSheet;
import dev.restyle.trainer.evaluate.Evaluation;
import dev.restyle.trainer.evaluate.Evaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code restyle evaluate}: compares trained networks on photos they were not trained on, under one
 * loss network. What is not given on the command line comes from the first network's training
 * config: its loss network, style image, style size and loss weights, its photos folder and its
 * held-out count.
 */
@Command(
    name = "evaluate",
    description =
        "Compare style networks on held-out photos: style, content and total loss under one loss"
            + " network, and ms per image. With --temporal INPUT: measure the flicker of video"
            + " clips made from INPUT instead (warping error E_warp, Lai et al. 2018).")
final class EvaluateCommand implements Callable<Integer> {
  @Parameters(
      arity = "1..*",
      paramLabel = "NETWORK",
      description =
          "style names (see 'restyle styles') or .rsn files; the first sets the defaults. With"
              + " --temporal: the output video clips to measure")
  List<String> networks;

  @Option(
      names = "--temporal",
      paramLabel = "INPUT",
      description =
          "measure temporal consistency instead: E_warp of each clip given (made from the INPUT"
              + " clip, frame for frame) - optical flow on the input frames, the previous output"
              + " frame warped onto the current one, mean squared difference over non-occluded"
              + " pixels, RGB 0..1, averaged over frames")
  Path temporalInput;

  @Option(
      names = "--flow",
      defaultValue = "farneback",
      description =
          "with --temporal: the optical flow measured with, farneback (independent of the"
              + " stabiliser's DIS flow) or dis (default ${DEFAULT-VALUE})")
  String flow;

  @Option(
      names = "--max-frames",
      defaultValue = "0",
      description = "with --temporal: the most frames read from each clip (default: all)")
  int maxFrames;

  @Option(
      names = "--photos",
      description = "photos folder (default: the first network's training photos)")
  Path photos;

  @Option(
      names = "--holdout",
      description =
          "evaluate on the last N photos of the folder in name order (default: the first"
              + " network's holdout, or 30 if it had none; 0: none of the folder)")
  Integer holdout;

  @Option(
      names = "--image",
      paramLabel = "FILE",
      description = "also evaluate on this image (repeatable)")
  List<Path> images = new ArrayList<>();

  @Option(
      names = "--style-image",
      description = "style image of the style loss (default: the first network's)")
  Path styleImage;

  @Option(
      names = "--style-size",
      description = "longer side of the style image (default: the first network's, else 384)")
  Integer styleSize;

  @Option(
      names = "--loss-network",
      description =
          "inception-v3, vgg16, random-pyramid or random-cascade (default: inception-v3 where"
              + " its weights are cached, else the first network's)")
  String lossNetwork;

  @Option(
      names = "--style-loss",
      description =
          "plain-gram, gram, sliced-wasserstein or mrf (default: what the first network was"
              + " trained with, under its loss network)")
  String styleLoss;

  @Option(names = "--vgg-weights", description = "path of vgg16-397923af.pth")
  Path vggWeights;

  @Option(names = "--content-weight", description = "default: the first network's")
  Double contentWeight;

  @Option(names = "--style-weight", description = "default: the first network's")
  Double styleWeight;

  @Option(names = "--tv-weight", description = "default: the first network's")
  Double tvWeight;

  @Option(
      names = "--size",
      defaultValue = "384",
      description = "longer side the photos are resized to (default ${DEFAULT-VALUE})")
  int size;

  @Option(names = "--json", description = "also write the results, per photo too, as JSON")
  Path json;

  @Option(
      names = "--sheet",
      description = "write a contact sheet: each photo, then every network's result, labelled")
  Path sheet;

  @Option(
      names = "--sheet-photos",
      defaultValue = "6",
      description = "photos (rows) on the contact sheet (default ${DEFAULT-VALUE})")
  int sheetPhotos;

  @Option(
      names = "--sheet-height",
      defaultValue = "256",
      description = "height of each image on the sheet (default ${DEFAULT-VALUE})")
  int sheetHeight;

  @Override
  public Integer call() throws Exception {
    if (temporalInput != null) {
      return TemporalEvaluation.run(
          temporalInput, networks.stream().map(Path::of).toList(), flow, maxFrames, json);
    }
    if (sheet != null) {
      ImageFiles.formatOf(sheet);
    }
    StyleRegistry registry = StyleRegistry.standard();
    List<NetworkRef> refs = new ArrayList<>();
    for (String n : networks) {
      refs.add(NetworkRef.load(n, registry));
    }
    TrainedWith first = TrainedWith.of(refs.get(0).file());
    Path folder = pick(photos, first.photos());
    int held = holdout != null ? holdout : defaultHoldout(first);
    if (held < 0) {
      throw new IllegalArgumentException("--holdout must be zero or more, got " + held);
    }
    List<Path> files = new ArrayList<>();
    if (held > 0 && folder != null) {
      if (!Files.isDirectory(folder)) {
        throw new IllegalArgumentException("photos folder " + folder + " does not exist");
      }
      files.addAll(PhotoSplit.of(folder, held).heldOut());
    }
    files.addAll(images);
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "no photos to evaluate on: give --photos DIR (and --holdout N) or --image FILE");
    }
    Path style = pick(styleImage, first.style());
    // the part of its own style image the first network learnt from
    StyleRegion region = styleImage == null ? first.styleRegion() : null;
    if (style == null || !Files.isRegularFile(style)) {
      throw new IllegalArgumentException(
          (style == null
                  ? "the first network's training config names no style image"
                  : "style image " + style + " does not exist")
              + ": pass --style-image");
    }
    // inception-v3 judges every network once it is cached; else the first network's own loss
    String lossName =
        lossNetwork != null
            ? lossNetwork
            : LossNetworks.defaultName().equals(LossNetworks.INCEPTION_V3)
                ? LossNetworks.INCEPTION_V3
                : pick(first.lossNetwork(), LossNetworks.RANDOM_PYRAMID);
    TrainConfig defaults =
        TrainConfig.defaults("x", style, style.toAbsolutePath().getParent())
            .withLossNetwork(lossName);
    // the first network's loss settings hold only under the loss network it was trained with
    TrainedWith trained = lossName.equals(first.lossNetwork()) ? first : TrainedWith.NONE;
    LossWeights weights =
        new LossWeights(
            pick(contentWeight, pick(trained.contentWeight(), defaults.contentWeight())),
            pick(styleWeight, pick(trained.styleWeight(), defaults.styleWeight())),
            pick(tvWeight, pick(trained.tvWeight(), defaults.tvWeight())));
    int styleSide = pick(styleSize, pick(first.styleSize(), defaults.styleSize()));
    if (styleSide < 16) {
      throw new IllegalArgumentException("--style-size must be at least 16, got " + styleSide);
    }

    List<String> columns = new ArrayList<>(List.of("photo"));
    refs.forEach(r -> columns.add(r.label()));
    ContactSheet contactSheet =
        sheet == null ? null : new ContactSheet(columns, sheetHeight, sheetPhotos);
    Device device = Engine.getInstance().defaultDevice();
    Evaluation result;
    try (LossNetwork loss =
        LossNetworks.create(
            lossName,
            pick(vggWeights, first.vggWeights()),
            RandomPyramidSpec.DEFAULT,
            pick(trained.lossLayers(), defaults.lossLayers()),
            device)) {
      Evaluator evaluator =
          new Evaluator(
              loss,
              style,
              StyleRegion.read(style, region, styleSide),
              weights,
              StyleLoss.parse(pick(styleLoss, pick(trained.styleLoss(), defaults.styleLoss()))),
              device);
      result =
          evaluator.run(
              refs,
              files,
              size,
              contactSheet == null
                  ? Evaluator.Results.NONE
                  : (photo, input, outputs) -> {
                    List<java.awt.image.BufferedImage> cells = new ArrayList<>();
                    cells.add(input);
                    cells.addAll(outputs);
                    contactSheet.add(photo.getFileName().toString(), cells);
                  });
    }
    System.out.print(EvaluationTable.format(result, describe(folder, held, images.size())));
    if (region != null) {
      System.out.println(
          "style region: " + region + " (x, y, width, height) of the style image, as trained");
    }
    for (int i = 0; i < refs.size(); i++) {
      String note = seenNote(refs.get(i), folder, held);
      if (note != null) {
        System.out.println("note: " + note);
      }
    }
    if (json != null) {
      result.writeJson(json);
      System.out.println("json: " + json);
    }
    if (contactSheet != null) {
      ImageFiles.write(contactSheet.render(), sheet);
      System.out.println("sheet: " + sheet);
    }
    return 0;
  }

  private static int defaultHoldout(TrainedWith first) {
    return first.holdout() != null && first.holdout() > 0
        ? first.holdout()
        : TrainConfig.DEFAULT_HOLDOUT;
  }

  private static String describe(Path folder, int held, int extra) {
    List<String> parts = new ArrayList<>();
    if (held > 0 && folder != null) {
      parts.add("the last " + held + " photos of " + folder + " in name order");
    }
    if (extra > 0) {
      parts.add(extra + " image" + (extra == 1 ? "" : "s") + " given with --image");
    }
    return String.join(" and ", parts);
  }

  /**
   * Says when a network was trained on this folder with fewer photos held out, so some evaluation
   * photos were in its training set.
   */
  private static String seenNote(NetworkRef ref, Path folder, int held) throws IOException {
    TrainedWith trained = TrainedWith.of(ref.file());
    if (folder == null || held == 0 || trained.photos() == null) {
      return null;
    }
    boolean sameFolder =
        trained.photos().toAbsolutePath().normalize().equals(folder.toAbsolutePath().normalize());
    int theirs = trained.holdout() == null ? 0 : trained.holdout();
    if (!sameFolder || theirs >= held) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "%s was trained on %s holding out %d photos: %d of the %d evaluated from it were in its"
            + " training set",
        ref.label(),
        folder,
        theirs,
        held - theirs,
        held);
  }

  private static <T> T pick(T option, T fallback) {
    return option != null ? option : fallback;
  }
}
