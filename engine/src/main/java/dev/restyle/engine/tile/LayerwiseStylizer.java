package dev.restyle.engine.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.image.PackedRgb;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Upsampling;
import dev.restyle.engine.nn.Ops;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stylises an image of any size one layer at a time, each layer in bands of rows, every layer's
 * output spilled to a temporary file ({@link RowSpill}) before the next layer reads it.
 *
 * <p>A layer's normalisation statistics are pooled over all its bands before any later layer runs,
 * so every normalisation sees the exact statistics of the whole image, and each band reads the rows
 * its kernel reaches (mirrored at the image's edges as the network's reflection padding mirrors
 * them): the result is the whole-image result, up to float rounding, while memory holds one band of
 * one layer. Each layer is computed once, so the time is the whole image's plus the spill files'
 * I/O (which the page cache mostly absorbs).
 *
 * <p>The layers are those of {@link StyleNetwork#forward}, in its order; {@code
 * LayerwiseStylizerTest} holds the two to the same output on every architecture.
 */
public final class LayerwiseStylizer {
  private static final Logger LOG = LoggerFactory.getLogger(LayerwiseStylizer.class);

  /**
   * Images above this many pixels are stylised layer by layer by default ({@code restyle image},
   * {@code restyle serve}, video frames): whole-image stylisation holds about 470 bytes a pixel at
   * its peak.
   */
  public static final long AUTO_ABOVE_PIXELS = 4L << 20;

  /**
   * Default {@code --tile-size}: on a 6000x4000 photo 384 peaked at 0.95 GB and was faster than 512
   * and 768 (1.2 and 1.5 GB), whose larger bands fall out of the caches.
   */
  public static final int DEFAULT_TILE_SIZE = 384;

  /**
   * The band size that holds as many values as a square tile of {@code side} pixels with 16
   * channels (the first layer of a width-0.5 network): {@code --tile-size}'s meaning.
   */
  public static long bandValues(int side) {
    if (side <= 0) {
      throw new IllegalArgumentException("tile size must be positive, got " + side);
    }
    return (long) side * side * 16;
  }

  private final StyleNetwork network;
  private final long bandValues;
  private final Path spillDirectory;

  /** Default bands, spilling to the system's temporary directory. */
  public LayerwiseStylizer(StyleNetwork network) {
    this(network, bandValues(DEFAULT_TILE_SIZE), Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * @param bandValues the largest tensor a band may hold, in values: memory is a few times this
   * @param spillDirectory where the layers' temporary files go
   */
  public LayerwiseStylizer(StyleNetwork network, long bandValues, Path spillDirectory) {
    if (bandValues <= 0) {
      throw new IllegalArgumentException("band size must be positive, got " + bandValues);
    }
    this.network = network;
    this.bandValues = bandValues;
    this.spillDirectory = spillDirectory;
  }

  /** Stylises an image held in memory into a new one. */
  public BufferedImage stylize(BufferedImage image, StyleOptions options) {
    BufferedImagePixels out = BufferedImagePixels.blank(image.getWidth(), image.getHeight());
    try {
      stylize(BufferedImagePixels.of(image), options, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.image();
  }

  /** Stylises {@code source} into {@code sink}, top to bottom. */
  public void stylize(PixelSource source, StyleOptions options, PixelSink sink) throws IOException {
    long start = System.nanoTime();
    Architecture architecture = network.architecture();
    int width = Stylizer.padded(source.width(), architecture);
    int height = Stylizer.padded(source.height(), architecture);
    try (Pass pass = new Pass()) {
      RowSpill y = pass.input(source, width, height);
      y = then(y, pass.convolve(y, x -> x, "conv1", 1, false));
      y = then(y, pass.convolve(y, pass.activated("conv1"), "conv2", 2, false));
      y = then(y, pass.convolve(y, pass.activated("conv2"), "conv3", 2, false));
      UnaryOperator<NDArray> activation = pass.activated("conv3");
      for (int i = 1; i <= architecture.residualBlocks(); i++) {
        String block = "res" + i;
        RowSpill a = pass.convolve(y, activation, block + ".conv1", 1, false);
        RowSpill b = pass.convolve(a, pass.activated(block + ".conv1"), block + ".conv2", 1, false);
        RowSpill sum = pass.add(y, activation, b, pass.normalised(block + ".conv2"));
        y.close();
        a.close();
        b.close();
        y = sum;
        activation = x -> x;
      }
      y = then(y, pass.convolve(y, activation, "up1", 1, true));
      y = then(y, pass.convolve(y, pass.activated("up1"), "up2", 1, true));
      y = then(y, pass.convolve(y, pass.activated("up2"), "out", 1, false));
      write(y, source, width, options, sink);
    }
    LOG.info(
        "stylised {}x{} layer by layer in bands of up to {} values: {} ms",
        source.width(),
        source.height(),
        bandValues,
        (System.nanoTime() - start) / 1_000_000);
  }

  /** Deletes a layer that its successor has consumed and returns the successor. */
  private static RowSpill then(RowSpill consumed, RowSpill next) throws IOException {
    consumed.close();
    return next;
  }

  /** One image's way through the layers: its spill files and the statistics recorded so far. */
  private final class Pass implements AutoCloseable {
    private final RowSpill.Set spills = new RowSpill.Set(spillDirectory);
    private final StatisticsAccumulator statistics = new StatisticsAccumulator();

    /** The padded image, scaled to [-0.5, 0.5] and downscaled as {@link StyleNetwork#stem} does. */
    RowSpill input(PixelSource source, int width, int height) throws IOException {
      int factor = network.architecture().downscale();
      RowSpill out = spills.create(width / factor, height / factor, 3);
      int band = bandRows(3L * width * factor, factor);
      for (int y = 0; y < height; y += band) {
        int rows = Math.min(band, height - y);
        try (NDManager scope = NDManager.newBaseManager(network.device())) {
          NDArray x = content(source, y, rows, width, scope);
          NDArray scaled = Ops.dividedBy(x, 255f).sub(0.5f);
          if (factor > 1) {
            scaled = Ops.averagePool(scaled, factor);
          }
          out.write(y / factor, scaled);
        }
      }
      return out;
    }

    /**
     * One convolution over a whole layer, band by band, recording its output's statistics (but for
     * {@code out}, which has no normalisation).
     *
     * @param activation what the input's stored values go through first (normalisation and ReLU)
     * @param upsample whether the input is first upsampled twice, as before {@code up1}: nearest
     *     then reflection padding, or bilinear then replication padding ({@link
     *     Architecture#upsampling()})
     */
    RowSpill convolve(
        RowSpill in, UnaryOperator<NDArray> activation, String layer, int stride, boolean upsample)
        throws IOException {
      NDArray depthwise = network.parameters().get(layer + ".depthwise.weight");
      NDArray weight = network.parameters().get(layer + ".weight");
      NDArray bias = network.parameters().get(layer + ".bias");
      boolean normalised = network.parameters().containsKey(layer + ".norm.gamma");
      int kernel = (int) (depthwise != null ? depthwise : weight).getShape().get(2);
      int pad = kernel / 2;
      int scale = upsample ? 2 : 1;
      boolean bilinear = upsample && network.architecture().upsampling() == Upsampling.BILINEAR;
      int inRows = in.height() * scale;
      int inColumns = in.width() * scale;
      int outRows = (inRows - 1) / stride + 1;
      int outColumns = (inColumns - 1) / stride + 1;
      int outChannels = (int) weight.getShape().get(0);
      RowSpill out = spills.create(outColumns, outRows, outChannels);
      long valuesPerRow =
          Math.max((long) in.channels() * inColumns * stride, (long) outChannels * outColumns);
      int band = bandRows(valuesPerRow, 1);
      for (int first = 0; first < outRows; first += band) {
        int last = Math.min(outRows, first + band);
        int top = stride * first - pad;
        int[] rows = new int[stride * (last - 1 - first) + kernel];
        for (int j = 0; j < rows.length; j++) {
          rows[j] =
              bilinear ? Math.clamp(top + j, 0, inRows - 1) : reflect(top + j, inRows) / scale;
        }
        try (NDManager scope = NDManager.newBaseManager(network.device())) {
          // Each intermediate is freed as soon as the next has been made: a band then holds two
          // of them at a time, not all of them until the scope closes.
          NDArray x;
          if (bilinear) {
            x = interpolatedRows(in, rows, 2, activation, inColumns, scope);
            x = freed(x, Ops.replicationPadColumns(x, pad));
          } else {
            x = in.read(rows, scope);
            x = freed(x, activation.apply(x));
            if (upsample) {
              x = freed(x, Ops.resizeNearest(x, rows.length, inColumns));
            }
            x = freed(x, Ops.reflectionPadColumns(x, pad));
          }
          if (depthwise != null) {
            x = freed(x, Ops.depthwiseConv(x, depthwise));
          }
          NDArray y = freed(x, Ops.conv(x, weight, bias, stride, 0));
          if (normalised) {
            NDArray[] moments = Ops.channelMoments(y);
            statistics.add(
                layer,
                moments[0].toFloatArray(),
                moments[1].toFloatArray(),
                (long) (last - first) * outColumns);
          }
          out.write(first, y);
        }
      }
      return out;
    }

    /** {@code fa(a) + fb(b)}, stored: a residual block's output. */
    RowSpill add(RowSpill a, UnaryOperator<NDArray> fa, RowSpill b, UnaryOperator<NDArray> fb)
        throws IOException {
      RowSpill out = spills.create(a.width(), a.height(), a.channels());
      int band = bandRows((long) a.channels() * a.width(), 1);
      for (int first = 0; first < a.height(); first += band) {
        int[] rows = consecutive(first, Math.min(a.height(), first + band));
        try (NDManager scope = NDManager.newBaseManager(network.device())) {
          NDArray x = a.read(rows, scope);
          x = freed(x, fa.apply(x));
          NDArray y = b.read(rows, scope);
          y = freed(y, fb.apply(y));
          out.write(first, x.addi(y));
        }
      }
      return out;
    }

    /** A layer's normalisation, with the whole image's statistics recorded for it, then ReLU. */
    UnaryOperator<NDArray> activated(String layer) {
      UnaryOperator<NDArray> normalised = normalised(layer);
      return x -> {
        NDArray y = normalised.apply(x);
        return freed(y, Ops.relu(y));
      };
    }

    /** A layer's normalisation, with the whole image's statistics recorded for it. */
    UnaryOperator<NDArray> normalised(String layer) {
      LayerStatistics s = statistics.layer(layer);
      NDArray gamma = network.parameters().get(layer + ".norm.gamma");
      NDArray beta = network.parameters().get(layer + ".norm.beta");
      return x -> {
        NDManager scope = x.getManager();
        NDArray mean = Ops.owned(scope, s.mean(), new Shape(s.channels()));
        NDArray variance = Ops.owned(scope, s.variance(), new Shape(s.channels()));
        return Ops.normalise(x, mean, variance, gamma, beta);
      };
    }

    @Override
    public void close() throws IOException {
      spills.close();
    }
  }

  /**
   * The network's last steps on its output layer, band by band: bilinear upsampling back to full
   * resolution for a downscaling network, the shift back to [0, 255], colour options, and 8-bit
   * rows of the unpadded image to the sink.
   */
  private void write(
      RowSpill out, PixelSource source, int width, StyleOptions options, PixelSink sink)
      throws IOException {
    int factor = network.architecture().downscale();
    int band = bandRows(3L * width * 2, 1);
    for (int first = 0; first < source.height(); first += band) {
      int rows = Math.min(band, source.height() - first);
      try (NDManager scope = NDManager.newBaseManager(network.device())) {
        int[] wanted = consecutive(first, first + rows);
        NDArray y =
            factor == 1
                ? out.read(wanted, scope)
                : interpolatedRows(out, wanted, factor, x -> x, width, scope);
        NDArray x = content(source, first, rows, width, scope);
        NDArray stylised = options.apply(Ops.times(y.add(0.5f), 255f), x);
        sink.write(
            first, rows, PackedRgb.fromTensor(stylised.get(":, :, :, 0:{}", source.width())));
      }
    }
  }

  /**
   * The given rows of the bilinear upsampling by {@code factor} ({@link Ops#upsampleBilinear},
   * PyTorch's without aligned corners) of a stored layer whose values first go through {@code
   * activation}: along the rows by hand, each output row a blend of two input rows; along the
   * columns by libtorch, on whole rows.
   */
  private static NDArray interpolatedRows(
      RowSpill low,
      int[] wanted,
      int factor,
      UnaryOperator<NDArray> activation,
      int width,
      NDManager scope)
      throws IOException {
    int rows = wanted.length;
    int[] above = new int[rows];
    int[] below = new int[rows];
    float[] fraction = new float[rows];
    for (int i = 0; i < rows; i++) {
      float source = Math.max(0f, (wanted[i] + 0.5f) / factor - 0.5f);
      above[i] = (int) source;
      below[i] = Math.min(above[i] + 1, low.height() - 1);
      fraction[i] = source - above[i];
    }
    NDArray top = Ops.upsampleBilinear(activation.apply(low.read(above, scope)), rows, width);
    NDArray bottom = Ops.upsampleBilinear(activation.apply(low.read(below, scope)), rows, width);
    NDArray f = scope.create(fraction, new Shape(1, 1, rows, 1));
    return top.mul(f.neg().add(1f)).add(bottom.mul(f));
  }

  /** Rows of the padded image as a (1, 3, rows, width) tensor in [0, 255]. */
  private static NDArray content(
      PixelSource source, int first, int rows, int width, NDManager scope) throws IOException {
    byte[] pixels = WindowReader.read(source, new Region(0, first, width, rows));
    return PackedRgb.toTensor(List.of(pixels), width, rows, scope);
  }

  /** Rows a band holds so that none of its tensors exceeds the budget, a multiple of {@code of}. */
  private int bandRows(long valuesPerRow, int of) {
    long rows = bandValues / Math.max(1, valuesPerRow) / of * of;
    return (int) Math.min(Integer.MAX_VALUE / 2, Math.max(of, rows));
  }

  /** An index mirrored into {@code 0..size-1} as reflection padding mirrors it. */
  static int reflect(int i, int size) {
    if (i < 0) {
      return -i;
    }
    return i >= size ? 2 * (size - 1) - i : i;
  }

  private static int[] consecutive(int from, int to) {
    int[] rows = new int[to - from];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = from + i;
    }
    return rows;
  }

  /** Frees {@code consumed} unless {@code made} is the same array, and returns {@code made}. */
  private static NDArray freed(NDArray consumed, NDArray made) {
    Ops.closeUnless(consumed, made);
    return made;
  }
}
