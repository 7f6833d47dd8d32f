package dev.restyle.trainer;

import dev.restyle.engine.util.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Writes the card that travels with a trained network ({@code NAME.md} beside {@code NAME.rsn}):
 * what it was trained from, how, for how long, and how well, so anyone can judge and reproduce it.
 */
final class ModelCard {
  private ModelCard() {}

  static void write(
      Path card,
      Path network,
      TrainConfig config,
      long plannedSteps,
      LossLog.Row last,
      long parameters,
      double lastPixelDistance)
      throws IOException {
    String text =
        String.format(
            Locale.ROOT,
            """
            # Style network `%s`

            Trained by restyle's own trainer (`restyle train`) on %s; no pretrained weights were used.

            | | |
            | --- | --- |
            | style image | `%s` (SHA-256 `%s`)%s |
            | training photos | `%s`, the last %d in name order held out |
            | architecture | Johnson et al. 2016 transformation network, %s, %,d parameters |
            | loss network | `%s`, %s |
            | steps | %d, batch %d, random %d px crops |
            | optimiser | Adam, learning rate %g |
            | loss weights | content %g, style %g, total variation %g (style image at %d px) |
            | training time | %.0f s on %s, %.2f images/s at the end |
            | final losses | total %.4g, content %.4g, style %.4g, total variation %.3g |
            | network file | `%s`, SHA-256 `%s` |

            Reproduce with `restyle train --config %s` (the config written beside this card).
            Loss curves: `losses.png`; previews during training: `previews/`.
            """,
            config.name(),
            LocalDate.now(ZoneOffset.UTC),
            config.style(),
            Sha256.ofFile(config.style()),
            config.styleRegion() == null
                ? ""
                : ", the region " + config.styleRegion() + " (x, y, width, height)",
            config.photos(),
            config.holdout(),
            config.architecture(),
            parameters,
            config.lossNetwork(),
            styleLossText(config),
            config.steps(),
            config.batchSize(),
            config.cropSize(),
            config.learningRate(),
            config.contentWeight(),
            config.styleWeight(),
            config.tvWeight(),
            config.styleSize(),
            last.elapsedSeconds(),
            System.getProperty("os.arch")
                + ", "
                + Runtime.getRuntime().availableProcessors()
                + " cores",
            last.imagesPerSecond(),
            last.total(),
            last.content(),
            last.style(),
            last.tv(),
            network.getFileName(),
            Sha256.ofFile(network),
            "config.yaml");
    if (config.steps() < plannedSteps) {
      text +=
          """

          Stopped at step %d of the %d planned (Ctrl-C or SIGTERM); `restyle train --resume
          checkpoint.ckpt` in the run folder goes on to step %d.
          """
              .formatted(config.steps(), plannedSteps, plannedSteps);
    }
    if (config.initFrom() != null) {
      text +=
          """

          Fine-tuned: the weights started from `%s` (SHA-256 `%s`), not from random values; the
          steps and time above are this run's only.
          """
              .formatted(config.initFrom(), config.initFromSha256());
    }
    Distillation d = config.distillation();
    if (d != null) {
      text +=
          String.format(
              Locale.ROOT,
              """

              Distilled from `%s` (SHA-256 `%s`): loss = %g x pixel distance + %g x content-layer
              distance to the teacher's output + %g x style loss; the "content" of the final losses
              and of `losses.csv` is the distance to the teacher's features. Final pixel distance
              %.4g (mean squared, [0, 1] units). The content, style and total-variation weights
              above are the teacher's: the loss this network is judged by (`restyle evaluate`).
              """,
              d.teacher(),
              d.teacherSha256(),
              d.pixelWeight(),
              d.featureWeight(),
              d.styleWeight(),
              lastPixelDistance);
    }
    Files.writeString(card, text);
  }

  /**
   * The style loss, with its directions per step where it draws them, the jitter and the stability
   * term.
   */
  private static String styleLossText(TrainConfig config) {
    String jitter =
        (config.jitter() == 0 ? "" : ", images jittered by 0-" + (config.jitter() - 1) + " px")
            + (config.temporalWeight() == 0
                ? ""
                : ", stability term (moved and noisy crops) weight " + config.temporalWeight())
            + (config.lossLayers() != null && config.lossLayers().blurPool()
                ? ", blur pooling in the loss network"
                : "");
    if (config.styleLossKind().isGram()) {
      return config.styleLoss() + " style loss" + jitter;
    }
    return config.styleLoss()
        + " style loss, "
        + (config.slices() == 0 ? "one direction per channel" : config.slices() + " directions")
        + " per layer and step"
        + jitter;
  }
}
