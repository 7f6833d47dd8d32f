package dev.restyle.cli;

import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.engine.network.Upsampling;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.trainer.Checkpoint;
import dev.restyle.trainer.Distillation;
import dev.restyle.trainer.NetworkRef;
import dev.restyle.trainer.StyleRegion;
import dev.restyle.trainer.TrainConfig;
import dev.restyle.trainer.TrainedWith;
import dev.restyle.trainer.Trainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code restyle train}: trains a style network. Settings come from the defaults, then a YAML
 * config ({@code --config}), then the options given here; {@code --resume} takes everything from
 * the checkpoint (only {@code --steps} may extend the run).
 */
@Command(
    name = "train",
    description = "Train a style network from a style image and a folder of photos.")
final class TrainCommand implements Callable<Integer> {
  /** A step of a large network on a CPU can take a while; a second Ctrl-C quits at once. */
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(10);

  @Option(names = "--style", description = "style image")
  Path style;

  @Option(names = "--photos", description = "folder of training photos")
  Path photos;

  @Option(names = "--name", description = "style name; the network is saved as NAME.rsn")
  String name;

  @Option(names = "--config", description = "YAML training config (see config/train-example.yaml)")
  Path config;

  @Option(
      names = "--resume",
      description = "checkpoint to continue from (runs/NAME/checkpoint.ckpt)")
  Path resume;

  @Option(names = "--output", description = "run folder (default runs/NAME)")
  Path output;

  @Option(names = "--steps", description = "training steps (default 2000)")
  Integer steps;

  @Option(names = "--batch-size", description = "crops per step (default 4)")
  Integer batchSize;

  @Option(names = "--crop-size", description = "crop side in pixels (default 256)")
  Integer cropSize;

  @Option(names = "--style-size", description = "longer side of the style image (default 384)")
  Integer styleSize;

  @Option(
      names = "--style-region",
      paramLabel = "X,Y,W,H",
      description =
          "learn the style from this part of the style image, in its pixels (default: all of it)")
  String styleRegion;

  @Option(names = "--lr", description = "Adam learning rate (default 1e-3)")
  Double learningRate;

  @Option(names = "--content-weight")
  Double contentWeight;

  @Option(names = "--style-weight")
  Double styleWeight;

  @Option(names = "--tv-weight")
  Double tvWeight;

  @Option(
      names = "--width",
      description = "network width multiplier: 1.0, 0.5 or 0.25 (default 1.0)")
  Double width;

  @Option(names = "--residual-blocks", description = "residual blocks (default 5)")
  Integer residualBlocks;

  @Option(
      names = "--downscale",
      description =
          "run the network at 1/N resolution and upsample its output: 1, 2 or 4 (default 1)")
  Integer downscale;

  @Option(
      names = "--edge-kernel",
      description = "kernel of the first and last convolution: 9, 5 or 3 (default 9)")
  Integer edgeKernel;

  @Option(
      names = "--separable",
      negatable = true,
      description = "depthwise-separable residual blocks (default: off)")
  Boolean separable;

  @Option(
      names = "--upsampling",
      description =
          "how the network's two upsampling stages interpolate: nearest (Johnson's; paints a fine"
              + " period-4 crosshatch) or bilinear (default: nearest)")
  String upsampling;

  @Option(
      names = "--preset",
      description =
          "network shape by name, one of ${COMPLETION-CANDIDATES} (see restyle bench); the"
              + " options above override its parts",
      completionCandidates = BenchCommand.Presets.class)
  String preset;

  @Option(
      names = "--holdout",
      description =
          "photos never trained on, kept for restyle evaluate: the last N of --photos in name"
              + " order (default 30)")
  Integer holdout;

  @Option(
      names = "--slices",
      description =
          "sliced Wasserstein loss: random directions per layer and step (default 16; 0: one per"
              + " channel, slower)")
  Integer slices;

  @Option(
      names = "--clip-gradient",
      description =
          "scale gradients whose global norm is above this down to it (default 0: off); steps"
              + " with a non-finite loss or gradient are skipped either way")
  Double clipGradient;

  @Option(
      names = "--jitter",
      description =
          "crop the output and the photo by a random offset of 0 to N-1 pixels before the loss"
              + " network each step, so no texture locks onto its stride-2 grid (default 0: off)")
  Integer jitter;

  @Option(
      names = "--temporal-weight",
      description =
          "weight of the stability term: the network also runs on its crops moved by a few pixels"
              + " and given light noise, and is asked to answer as it did on the unmoved crops,"
              + " moved alike (steadier video; default 0: off)")
  Double temporalWeight;

  @Option(
      names = "--teacher",
      description =
          "distil: train to reproduce this trained network's output (a style name or .rsn file);"
              + " its style image, loss network and loss weights are the defaults")
  String teacher;

  @Option(
      names = "--pixel-weight",
      description = "distillation: weight of the pixel distance to the teacher (default 10)")
  Double pixelWeight;

  @Option(
      names = "--feature-weight",
      description =
          "distillation: weight of the loss network's content-layer distance to the teacher"
              + " (default 1)")
  Double featureWeight;

  @Option(
      names = "--distill-style-weight",
      description = "distillation: weight of the usual style loss (default 0: none)")
  Double distillStyleWeight;

  @Option(
      names = "--init-from",
      description =
          "fine-tune: start from this network's weights (a style name or .rsn file of the same"
              + " architecture) instead of random ones")
  String initFrom;

  @Option(names = "--seed")
  Long seed;

  @Option(names = "--preview-every", description = "steps between preview images (default 100)")
  Integer previewEvery;

  @Option(names = "--checkpoint-every", description = "steps between checkpoints (default 200)")
  Integer checkpointEvery;

  @Mixin LossNetworkOptions lossOptions;

  @Override
  public Integer call() throws Exception {
    Checkpoint checkpoint = resume == null ? null : Checkpoint.load(resume);
    TrainConfig cfg = checkpoint != null ? withSteps(checkpoint.config()) : configure();
    long start = checkpoint == null ? 0 : checkpoint.step();
    if (start >= cfg.steps()) {
      throw new IllegalArgumentException(
          "checkpoint is at step "
              + start
              + " of "
              + cfg.steps()
              + ": pass --steps to train longer");
    }
    Trainer trainer = new Trainer(cfg);
    Trainer.Result result;
    // Ctrl-C or SIGTERM: finish the step in progress and save; a second signal quits at once.
    try (StopSignals signals = StopSignals.install("train", STOP_TIMEOUT, trainer::requestStop)) {
      try (ProgressBars bar = new ProgressBars("train " + cfg.name(), cfg.steps(), start)) {
        result = trainer.run(checkpoint, bar);
      }
      System.out.printf(
          Locale.ROOT,
          "trained %s: %d steps in %.0f s, final loss %.4g; saved %s, installed %s%n",
          cfg.name(),
          result.steps(),
          result.seconds(),
          result.last() == null ? Double.NaN : result.last().total(),
          result.network(),
          result.installed());
      if (result.steps() < cfg.steps()) {
        System.out.printf(
            "stopped at step %d of %d; go on with: restyle train --resume %s%n",
            result.steps(), cfg.steps(), cfg.output().resolve("checkpoint" + Checkpoint.EXTENSION));
      }
      return signals.exitCode(ExitCodes.OK);
    }
  }

  private TrainConfig withSteps(TrainConfig c) {
    return steps == null ? c : c.with(Map.of("steps", steps));
  }

  private TrainConfig configure() throws java.io.IOException {
    TrainConfig base = config != null ? TrainConfig.readYaml(config) : null;
    Distillation distillation = distillation(base);
    // A teacher's training config supplies what the student is judged by: its style image, loss
    // network and weights; a --config file and options given here still win.
    TrainedWith taught =
        distillation == null || base != null
            ? TrainedWith.NONE
            : TrainedWith.of(
                NetworkRef.load(distillation.teacher(), StyleRegistry.standard()).file());
    String n = pick(name, base == null ? null : base.name());
    Path s = pick(style, base == null ? taught.style() : base.style());
    Path p = pick(photos, base == null ? taught.photos() : base.photos());
    if (n == null || s == null || p == null) {
      throw new IllegalArgumentException(
          distillation == null
              ? "--style, --photos and --name are required (or --config / --resume)"
              : "--name is required, and --style and --photos unless the teacher's config names"
                  + " them");
    }
    TrainConfig d = base != null ? base : TrainConfig.defaults(n, s, p);
    if (preset != null) {
      d = d.withArchitecture(NetworkPreset.of(preset).architecture());
    }
    // Another loss network brings its own style loss, weights and layers; options still win.
    String network = pick(lossOptions.lossNetwork, taught.lossNetwork());
    if (network != null && !network.equals(d.lossNetwork())) {
      d = d.withLossNetwork(network);
    }
    Map<String, Object> options = new HashMap<>();
    options.put("name", n);
    options.put("style", s);
    options.put("photos", p);
    options.put("output", output);
    options.put("steps", steps);
    options.put("batchSize", batchSize);
    options.put("cropSize", cropSize);
    options.put("styleSize", pick(styleSize, taught.styleSize()));
    options.put("learningRate", learningRate);
    options.put("contentWeight", pick(contentWeight, taught.contentWeight()));
    options.put("styleWeight", pick(styleWeight, taught.styleWeight()));
    options.put("tvWeight", pick(tvWeight, taught.tvWeight()));
    options.put("vggWeights", pick(lossOptions.vggWeights, taught.vggWeights()));
    options.put("styleLoss", pick(lossOptions.styleLoss, taught.styleLoss()));
    if (d.lossNetwork().equals(LossNetworks.INCEPTION_V3)) {
      options.put(
          "lossLayers", lossOptions.inception.layers(pick(taught.lossLayers(), d.lossLayers())));
    }
    options.put("width", width);
    options.put("residualBlocks", residualBlocks);
    options.put("seed", seed);
    options.put("previewEvery", previewEvery);
    options.put("checkpointEvery", checkpointEvery);
    options.put("downscale", downscale);
    options.put("edgeKernel", edgeKernel);
    options.put("separable", separable);
    options.put("upsampling", upsampling == null ? null : Upsampling.of(upsampling));
    options.put("holdout", holdout);
    options.put("slices", slices);
    options.put("gradientClip", clipGradient);
    options.put("jitter", jitter);
    options.put("temporalWeight", temporalWeight);
    options.put("distillation", distillation);
    options.put("initFrom", initFrom);
    // A region belongs to its image: another --style image is learnt whole unless one is given
    // (and the config's region is cleared first, as it may not fit the other image).
    StyleRegion region =
        styleRegion != null
            ? StyleRegion.parse(styleRegion)
            : style != null ? null : base != null ? base.styleRegion() : taught.styleRegion();
    return d.withStyleRegion(null).with(options).withStyleRegion(region);
  }

  /** The distillation of the command line over the config's, or null for the usual training. */
  private Distillation distillation(TrainConfig base) {
    Distillation d = base == null ? null : base.distillation();
    if (teacher != null) {
      d = d == null || !d.teacher().equals(teacher) ? Distillation.from(teacher) : d;
    }
    if (d == null) {
      if (pixelWeight != null || featureWeight != null || distillStyleWeight != null) {
        throw new IllegalArgumentException(
            "--pixel-weight, --feature-weight and --distill-style-weight need --teacher");
      }
      return null;
    }
    return new Distillation(
        d.teacher(),
        d.teacherSha256(),
        pick(pixelWeight, d.pixelWeight()),
        pick(featureWeight, d.featureWeight()),
        pick(distillStyleWeight, d.styleWeight()));
  }

  private static <T> T pick(T option, T fallback) {
    return option != null ? option : fallback;
  }
}
