package dev.restyle.cli;

import dev.restyle.engine.loss.InceptionLossNetwork;
import java.util.List;
import picocli.CommandLine.Option;

/** Options that choose the layers of the inception-v3 loss network and how they are read. */
final class InceptionOptions {
  @Option(
      names = "--style-layers",
      split = ",",
      description =
          "inception-v3: Keras layers whose statistics define style (default"
              + " activation_2,activation_4,activation_5,mixed0,mixed2)")
  List<String> style;

  @Option(
      names = "--content-layers",
      split = ",",
      description = "inception-v3: layers compared for content (default mixed1)")
  List<String> content;

  @Option(
      names = "--smoothing",
      negatable = true,
      description =
          "inception-v3: softmax smoothing of the style layers (Wang et al. 2021; default off)")
  Boolean smoothing;

  @Option(
      names = "--anti-alias",
      negatable = true,
      description =
          "inception-v3: blur the image by [1,2,1] before the stride-2 first layer, so no"
              + " crosshatch of period 2 is rewarded (default on)")
  Boolean antiAlias;

  @Option(
      names = "--blur-pool",
      negatable = true,
      description =
          "inception-v3: every stride-2 layer blurs before it subsamples (Zhang 2019), so no"
              + " fine periodic texture aliases through any of them (default off)")
  Boolean blurPool;

  /** The layers chosen, over {@code base} (the defaults, or a config's). */
  InceptionLossNetwork.Layers layers(InceptionLossNetwork.Layers base) {
    InceptionLossNetwork.Layers layers = base;
    if (style != null) {
      layers = layers.withStyle(style);
    }
    if (content != null) {
      layers = layers.withContent(content);
    }
    if (smoothing != null) {
      layers = layers.withSmoothing(smoothing);
    }
    if (antiAlias != null) {
      layers = layers.withAntiAlias(antiAlias);
    }
    if (blurPool != null) {
      layers = layers.withBlurPool(blurPool);
    }
    return layers;
  }
}
