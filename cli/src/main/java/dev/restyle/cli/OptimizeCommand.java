package dev.restyle.cli;

import ai.djl.engine.Engine;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.Resize;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.LossWeights;
import dev.restyle.engine.optim.GatysOptimizer;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code restyle optimize}: the slow Gatys et al. method, any style image, no training. */
@Command(
    name = "optimize",
    description =
        "Repaint a photo in the style of any image by optimising its pixels (Gatys et al.; slow, no training).")
final class OptimizeCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "content photo")
  Path content;

  @Parameters(index = "1", description = "style image")
  Path style;

  @Option(
      names = {"-o", "--output"},
      required = true,
      description = "output image (.jpg or .png)")
  Path output;

  @Option(
      names = "--size",
      defaultValue = "384",
      description = "longer side of the result in pixels (default ${DEFAULT-VALUE})")
  int size;

  @Option(
      names = "--style-size",
      defaultValue = "384",
      description = "longer side the style image is scaled to (default ${DEFAULT-VALUE})")
  int styleSize;

  @Option(
      names = "--iterations",
      defaultValue = "300",
      description = "optimisation steps (default ${DEFAULT-VALUE})")
  int iterations;

  @Option(
      names = "--lr",
      defaultValue = "4",
      description = "Adam step in pixel units (default ${DEFAULT-VALUE})")
  double learningRate;

  @Option(names = "--content-weight", defaultValue = "1")
  double contentWeight;

  @Option(
      names = "--style-weight",
      description = "default 1000 with inception-v3 and vgg16, 10 with the random networks")
  Double styleWeight;

  @Option(
      names = "--tv-weight",
      description = "default 10 with inception-v3 and vgg16, 1 with the random networks")
  Double tvWeight;

  @Mixin LossNetworkOptions lossOptions;

  @Mixin PyramidOptions pyramidOptions;

  @Override
  public Integer call() throws Exception {
    ImageFiles.formatOf(output);
    boolean pretrained = LossNetworks.pretrained(lossOptions.name());
    GatysOptimizer.Settings settings =
        new GatysOptimizer.Settings(
            iterations,
            learningRate,
            new LossWeights(
                contentWeight,
                styleWeight != null ? styleWeight : pretrained ? 1000 : 10,
                tvWeight != null ? tvWeight : pretrained ? 10 : 1),
            lossOptions.styleLoss());
    BufferedImage contentImage = Resize.longerSide(ImageFiles.read(content), size);
    BufferedImage styleImage = Resize.longerSide(ImageFiles.read(style), styleSize);
    try (LossNetwork network =
            lossOptions.create(Engine.getInstance().defaultDevice(), pyramidOptions.spec());
        ProgressBars bar = new ProgressBars("optimize", iterations, 0)) {
      BufferedImage result =
          new GatysOptimizer(network).run(contentImage, styleImage, settings, bar);
      ImageFiles.write(result, output);
    }
    System.out.println("wrote " + output);
    return 0;
  }
}
