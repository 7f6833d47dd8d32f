package dev.restyle.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.engine.tile.LayerwiseStylizer;
import dev.restyle.engine.tile.io.ImageFileSink;
import dev.restyle.engine.tile.io.ImageFileSource;
import dev.restyle.engine.tile.io.SpooledSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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

  @Option(
      names = "--tile-size",
      description =
          "stylise layer by layer in bands of rows that each hold as much as a square tile of this"
              + " side (pixels), reading and writing the image a band at a time; 0: the whole image"
              + " at once (memory grows with the image); default: "
              + LayerwiseStylizer.DEFAULT_TILE_SIZE
              + " above "
              + (LayerwiseStylizer.AUTO_ABOVE_PIXELS >> 20)
              + " MiP (mebipixels)")
  Integer tileSize;

  /** The largest image tiled stylisation opens: memory does not grow with it, time does. */
  static final long MAX_TILED_PIXELS = 1L << 30;

  @Mixin StyleChoice choice;

  @Override
  public Integer call() throws Exception {
    StyleOptions options = choice.options();
    ImageFiles.formatOf(output);
    if (tileSize != null && tileSize < 0) {
      throw new IllegalArgumentException("--tile-size must be 0 or positive, got " + tileSize);
    }
    boolean tiled = false;
    if (input != null && (tileSize == null || tileSize > 0)) {
      try (ImageFileSource source = ImageFileSource.open(input, MAX_TILED_PIXELS)) {
        tiled =
            tileSize != null
                || (long) source.width() * source.height() > LayerwiseStylizer.AUTO_ABOVE_PIXELS;
        if (tiled) {
          // Decoded (and checked) before the network loads, as a whole image is.
          Path spool = output.toAbsolutePath().getParent();
          Files.createDirectories(spool);
          try (SpooledSource pixels = SpooledSource.of(source, spool)) {
            tiled(
                pixels,
                options,
                tileSize != null ? tileSize : LayerwiseStylizer.DEFAULT_TILE_SIZE,
                spool);
          }
          return 0;
        }
      }
    }
    BufferedImage image = input != null ? ImageFiles.read(input) : samplePicture();
    Device device = Engine.getInstance().defaultDevice();
    try (StyleNetwork network = StyleRegistry.standard().load(choice.style).toNetwork(device)) {
      long start = System.nanoTime();
      BufferedImage result = new Stylizer(network).stylize(image, options);
      double seconds = (System.nanoTime() - start) / 1e9;
      ImageFiles.write(result, output);
      report(image.getWidth(), image.getHeight(), seconds, "whole");
    }
    return 0;
  }

  private void tiled(SpooledSource pixels, StyleOptions options, int size, Path spillDirectory)
      throws IOException {
    Device device = Engine.getInstance().defaultDevice();
    try (StyleNetwork network = StyleRegistry.standard().load(choice.style).toNetwork(device)) {
      LayerwiseStylizer stylizer =
          new LayerwiseStylizer(network, LayerwiseStylizer.bandValues(size), spillDirectory);
      long start = System.nanoTime();
      try (ImageFileSink sink = ImageFileSink.open(output, pixels.width(), pixels.height())) {
        stylizer.stylize(pixels, options, sink);
        sink.finish();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      report(pixels.width(), pixels.height(), seconds, "layer by layer in bands of " + size);
    }
  }

  private void report(int width, int height, double seconds, String how) {
    System.out.printf(
        "%s -> %s (%dx%d, style %s, %s, %.2f s)%n",
        input != null ? input : "sample picture",
        output,
        width,
        height,
        choice.style,
        how,
        seconds);
  }
}
