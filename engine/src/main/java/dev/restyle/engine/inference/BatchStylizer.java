package dev.restyle.engine.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.image.PackedRgb;
import dev.restyle.engine.script.ScriptedNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.engine.tile.LayerwiseStylizer;
import dev.restyle.engine.tile.PackedRgbPixels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Stylises several images of one size in a single network pass. Images are packed 8-bit RGB
 * (row-major, {@code R G B} per pixel, no row padding), the layout video decoders deliver; they go
 * into one (N, 3, H, W) float tensor and come back out through tensor operations only, without
 * per-pixel Java loops. Results match {@link Stylizer#stylize(java.awt.image.BufferedImage,
 * StyleOptions)} on each image alone (same clamping and rounding; instance normalisation works per
 * image, so batching changes nothing but floating-point summation order).
 *
 * <p>Not thread-safe beyond what the underlying {@link Stylizer} is; one caller at a time.
 */
public final class BatchStylizer {
  /**
   * System property choosing how batches run: {@code script} (the default: the network compiled to
   * TorchScript, one native call per batch) or {@code ops} (op by op through DJL, as training runs
   * it).
   */
  public static final String MODE_PROPERTY = "restyle.inference";

  private final Stylizer stylizer;
  private final ScriptedNetwork scripted;
  private final long tileAbovePixels;

  /** Runs batches in the mode of {@value #MODE_PROPERTY} (TorchScript unless it says ops). */
  public BatchStylizer(Stylizer stylizer) {
    this(stylizer, Mode.fromSystemProperty());
  }

  public BatchStylizer(Stylizer stylizer, Mode mode) {
    this(stylizer, mode, LayerwiseStylizer.AUTO_ABOVE_PIXELS);
  }

  /**
   * @param tileAbovePixels images above this many pixels go through {@link LayerwiseStylizer}, one
   *     at a time
   */
  BatchStylizer(Stylizer stylizer, Mode mode, long tileAbovePixels) {
    this.stylizer = stylizer;
    this.scripted = mode == Mode.SCRIPT ? ScriptedNetwork.compile(stylizer.network()) : null;
    this.tileAbovePixels = tileAbovePixels;
  }

  /** How batches run through the network. */
  public enum Mode {
    /** Compiled to TorchScript: pixel conversion and every layer in one native call. */
    SCRIPT,
    /** Op by op through DJL (the path training differentiates). */
    OPS;

    static Mode fromSystemProperty() {
      String value = System.getProperty(MODE_PROPERTY, "script").trim().toLowerCase(Locale.ROOT);
      return switch (value) {
        case "script" -> SCRIPT;
        case "ops" -> OPS;
        default ->
            throw new IllegalArgumentException(
                MODE_PROPERTY + " must be script or ops, got '" + value + "'");
      };
    }
  }

  public Mode mode() {
    return scripted != null ? Mode.SCRIPT : Mode.OPS;
  }

  public Stylizer stylizer() {
    return stylizer;
  }

  /**
   * Stylises a batch.
   *
   * @param images packed RGB images, each {@code width * height * 3} bytes
   * @return the stylised images, same layout and order, new arrays
   * @throws IllegalArgumentException if the list is empty or an image has the wrong length
   */
  public List<byte[]> stylize(List<byte[]> images, int width, int height, StyleOptions options) {
    if ((long) width * height > tileAbovePixels) {
      return tiled(images, width, height, options);
    }
    try (NDManager scope = NDManager.newBaseManager(stylizer.network().device())) {
      if (scripted != null && !options.preserveColours()) {
        NDArray frames = PackedRgb.pack(images, width, height, scope);
        return split(scripted.stylize(frames, options.strength()).toByteArray(), images.size());
      }
      NDArray batch = toTensor(images, width, height, scope);
      return toImages(stylizer.stylize(batch, options));
    }
  }

  /**
   * Images above the threshold ({@link LayerwiseStylizer#AUTO_ABOVE_PIXELS} unless a test says
   * otherwise: 4K video frames, large photos), one at a time, layer by layer in bands of rows:
   * memory stays that of a band whatever the size.
   */
  private List<byte[]> tiled(List<byte[]> images, int width, int height, StyleOptions options) {
    LayerwiseStylizer tiles = new LayerwiseStylizer(stylizer.network());
    List<byte[]> out = new ArrayList<>(images.size());
    for (byte[] image : images) {
      PackedRgbPixels source = new PackedRgbPixels(width, height, image);
      PackedRgbPixels result = new PackedRgbPixels(width, height, new byte[image.length]);
      try {
        tiles.stylize(source, options, result);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.add(result.rgb());
    }
    return out;
  }

  /**
   * Packs RGB images into one (N, 3, H, W) float32 tensor in [0, 255] on {@code manager}'s device.
   */
  public static NDArray toTensor(List<byte[]> images, int width, int height, NDManager manager) {
    return PackedRgb.toTensor(images, width, height, manager);
  }

  /** A (N, 3, H, W) RGB tensor, clamped to [0, 255] and rounded, as N packed RGB images. */
  public static List<byte[]> toImages(NDArray nchw) {
    Shape s = nchw.getShape();
    if (s.dimension() != 4 || s.get(1) != 3) {
      throw new IllegalArgumentException("expected a (N, 3, H, W) tensor, got " + s);
    }
    int n = (int) s.get(0);
    return split(PackedRgb.fromTensor(nchw), n);
  }

  /** Splits packed bytes into {@code n} images of equal length. */
  private static List<byte[]> split(byte[] packed, int n) {
    if (n == 1) {
      return List.of(packed);
    }
    int size = packed.length / n;
    List<byte[]> images = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      images.add(Arrays.copyOfRange(packed, i * size, (i + 1) * size));
    }
    return images;
  }
}
