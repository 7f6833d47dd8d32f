package dev.restyle.cli;

import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.trainer.Checkpoint;
import dev.restyle.trainer.TrainConfig;
import dev.restyle.trainer.Trainer;
import java.nio.file.Path;
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
    Trainer.Result result;
    try (ProgressBars bar = new ProgressBars("train " + cfg.name(), cfg.steps(), start)) {
      result = new Trainer(cfg).run(checkpoint, bar);
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
    return 0;
  }

  private TrainConfig withSteps(TrainConfig c) {
    return steps == null ? c : c.with(Map.of("steps", steps));
  }

  private TrainConfig configure() throws java.io.IOException {
    TrainConfig base = config != null ? TrainConfig.readYaml(config) : null;
    String n = pick(name, base == null ? null : base.name());
    if (n == null
        || pick(style, base == null ? null : base.style()) == null
        || pick(photos, base == null ? null : base.photos()) == null) {
      throw new IllegalArgumentException(
          "--style, --photos and --name are required (or --config / --resume)");
    }
    TrainConfig d = base != null ? base : TrainConfig.defaults(n, style, photos);
    if (preset != null) {
      d = d.withArchitecture(NetworkPreset.of(preset).architecture());
    }
    Map<String, Object> options = new HashMap<>();
    options.put("name", n);
    options.put("style", style);
    options.put("photos", photos);
    options.put("output", output);
    options.put("steps", steps);
    options.put("batchSize", batchSize);
    options.put("cropSize", cropSize);
    options.put("styleSize", styleSize);
    options.put("learningRate", learningRate);
    options.put("contentWeight", contentWeight);
    options.put("styleWeight", styleWeight);
    options.put("tvWeight", tvWeight);
    options.put("lossNetwork", lossOptions.lossNetwork);
    options.put("vggWeights", lossOptions.vggWeights);
    options.put("styleLoss", lossOptions.styleLoss);
    options.put("width", width);
    options.put("residualBlocks", residualBlocks);
    options.put("seed", seed);
    options.put("previewEvery", previewEvery);
    options.put("checkpointEvery", checkpointEvery);
    options.put("downscale", downscale);
    options.put("edgeKernel", edgeKernel);
    options.put("separable", separable);
    options.put("holdout", holdout);
    return d.with(options);
  }

  private static <T> T pick(T option, T fallback) {
    return option != null ? option : fallback;
  }
}
