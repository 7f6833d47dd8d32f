package dev.restyle.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code restyle image}: stylises one image with a trained style network. */
@Command(
    name = "image",
    description =
        "Stylise one image with a trained style network (any size, EXIF orientation honoured).")
final class ImageCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      description = "input image (JPEG, PNG, BMP, GIF); omitted: a bundled sample picture")
  Path input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      description = "output image (.jpg or .png)")
  Path output;

  private static BufferedImage samplePicture() throws IOException {
    try (InputStream in = ImageCommand.class.getResourceAsStream("sample.jpg")) {
      if (in == null) {
        throw new IOException("the bundled sample picture is missing from this build");
      }
      return ImageFiles.decode(in.readAllBytes(), ImageFiles.DEFAULT_MAX_PIXELS);
    }
  }

  @Mixin StyleChoice choice;

  @Override
  public Integer call() throws Exception {
    StyleOptions options = choice.options();
    ImageFiles.formatOf(output);
    BufferedImage image = input != null ? ImageFiles.read(input) : samplePicture();
    Device device = Engine.getInstance().defaultDevice();
    try (StyleNetwork network = StyleRegistry.standard().load(choice.style).toNetwork(device)) {
      long start = System.nanoTime();
      BufferedImage result = new Stylizer(network).stylize(image, options);
      double seconds = (System.nanoTime() - start) / 1e9;
      ImageFiles.write(result, output);
      System.out.printf(
          "%s -> %s (%dx%d, style %s, %.2f s)%n",
          input != null ? input : "sample picture",
          output,
          image.getWidth(),
          image.getHeight(),
          choice.style,
          seconds);
    }
    return 0;
  }
}
