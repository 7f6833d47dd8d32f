package dev.restyle.engine.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.image.ColourTransfer;
import dev.restyle.engine.image.PackedRgb;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.nn.Ops;
import dev.restyle.engine.stylize.StyleOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /** Default size of a band's largest tensor, in float values (32 MB). */
  public static final long DEFAULT_BAND_VALUES = 8L << 20;

  private final StyleNetwork network;
  private final long bandValues;
  private final Path spillDirectory;

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
    int width = TileGrid.padded(source.width(), architecture);
    int height = TileGrid.padded(source.height(), architecture);
    StatisticsAccumulator statistics = new StatisticsAccumulator();
    List<RowSpill> open = new ArrayList<>();
    try {
      RowSpill y = track(open, input(source, width, height));
      y = then(open, y, convolve(open, y, x -> x, "conv1", 1, false, statistics));
      y =
          then(
              open,
              y,
              convolve(open, y, after(statistics, "conv1"), "conv2", 2, false, statistics));
      y =
          then(
              open,
              y,
              convolve(open, y, after(statistics, "conv2"), "conv3", 2, false, statistics));
      UnaryOperator<NDArray> activation = after(statistics, "conv3");
      for (int i = 1; i <= architecture.residualBlocks(); i++) {
        String block = "res" + i;
        RowSpill a = convolve(open, y, activation, block + ".conv1", 1, false, statistics);
        RowSpill b =
            convolve(
                open,
                a,
                after(statistics, block + ".conv1"),
                block + ".conv2",
                1,
                false,
                statistics);
        RowSpill sum = add(open, y, activation, b, normalisedOnly(statistics, block + ".conv2"));
        release(open, y, a, b);
        y = sum;
        activation = x -> x;
      }
      y = then(open, y, convolve(open, y, activation, "up1", 1, true, statistics));
      y = then(open, y, convolve(open, y, after(statistics, "up1"), "up2", 1, true, statistics));
      y = then(open, y, convolve(open, y, after(statistics, "up2"), "out", 1, false, null));
      write(y, source, width, height, options, sink);
    } finally {
      for (RowSpill spill : open) {
        spill.close();
      }
    }
    LOG.info(
        "stylised {}x{} layer by layer in bands of up to {} values: {} ms",
        source.width(),
        source.height(),
        bandValues,
        (System.nanoTime() - start) / 1_000_000);
  }

  /** The padded image, scaled to [-0.5, 0.5] and downscaled as {@link StyleNetwork#stem} does. */
  private RowSpill input(PixelSource source, int width, int height) throws IOException {
    int factor = network.architecture().downscale();
    RowSpill out = RowSpill.create(spillDirectory, width / factor, height / factor, 3);
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
   * One convolution over a whole layer, band by band, recording its output's statistics.
   *
   * @param activation what the input's stored values go through first (normalisation and ReLU)
   * @param upsample whether the input is first upsampled twice (nearest), as before {@code up1}
   * @param statistics where the output's moments go; null for the last layer, which has none
   */
  private RowSpill convolve(
      List<RowSpill> open,
      RowSpill in,
      UnaryOperator<NDArray> activation,
      String layer,
      int stride,
      boolean upsample,
      StatisticsAccumulator statistics)
      throws IOException {
    NDArray depthwise = network.parameters().get(layer + ".depthwise.weight");
    NDArray weight = network.parameters().get(layer + ".weight");
    NDArray bias = network.parameters().get(layer + ".bias");
    int kernel = (int) (depthwise != null ? depthwise : weight).getShape().get(2);
    int pad = kernel / 2;
    int scale = upsample ? 2 : 1;
    int inRows = in.height() * scale;
    int inColumns = in.width() * scale;
    int outRows = (inRows - 1) / stride + 1;
    int outColumns = (inColumns - 1) / stride + 1;
    int outChannels = (int) weight.getShape().get(0);
    RowSpill out = track(open, RowSpill.create(spillDirectory, outColumns, outRows, outChannels));
    long valuesPerRow =
        Math.max((long) in.channels() * inColumns * stride, (long) outChannels * outColumns);
    int band = bandRows(valuesPerRow, 1);
    for (int first = 0; first < outRows; first += band) {
      int last = Math.min(outRows, first + band);
      int top = stride * first - pad;
      int[] rows = new int[stride * (last - 1 - first) + kernel];
      for (int j = 0; j < rows.length; j++) {
        rows[j] = reflect(top + j, inRows) / scale;
      }
      try (NDManager scope = NDManager.newBaseManager(network.device())) {
        NDArray x = activation.apply(in.read(rows, scope));
        if (upsample) {
          x = Ops.resizeNearest(x, rows.length, inColumns);
        }
        x = Ops.reflectionPadColumns(x, pad);
        NDArray y =
            depthwise != null
                ? Ops.conv(Ops.depthwiseConv(x, depthwise), weight, bias, 1, 0)
                : Ops.conv(x, weight, bias, stride, 0);
        if (statistics != null) {
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
  private RowSpill add(
      List<RowSpill> open,
      RowSpill a,
      UnaryOperator<NDArray> fa,
      RowSpill b,
      UnaryOperator<NDArray> fb)
      throws IOException {
    RowSpill out =
        track(open, RowSpill.create(spillDirectory, a.width(), a.height(), a.channels()));
    int band = bandRows((long) a.channels() * a.width(), 1);
    for (int first = 0; first < a.height(); first += band) {
      int[] rows = consecutive(first, Math.min(a.height(), first + band));
      try (NDManager scope = NDManager.newBaseManager(network.device())) {
        out.write(first, fa.apply(a.read(rows, scope)).add(fb.apply(b.read(rows, scope))));
      }
    }
    return out;
  }

  /**
   * The network's last steps on its output layer, band by band: bilinear upsampling back to full
   * resolution for a downscaling network, the shift back to [0, 255], colour options, and 8-bit
   * rows of the unpadded image to the sink.
   */
  private void write(
      RowSpill out, PixelSource source, int width, int height, StyleOptions options, PixelSink sink)
      throws IOException {
    int factor = network.architecture().downscale();
    int band = bandRows(3L * width * 2, 1);
    for (int first = 0; first < source.height(); first += band) {
      int rows = Math.min(band, source.height() - first);
      try (NDManager scope = NDManager.newBaseManager(network.device())) {
        NDArray y =
            factor == 1
                ? out.read(consecutive(first, first + rows), scope)
                : upsampleRows(out, first, rows, factor, width, scope);
        NDArray stylised = Ops.times(y.add(0.5f), 255f);
        NDArray x = content(source, first, rows, width, scope);
        if (options.preserveColours()) {
          stylised = ColourTransfer.preserveColours(stylised, x);
        }
        stylised = ColourTransfer.blend(stylised, x, options.strength());
        byte[] rgb =
            stylised
                .get(new NDIndex(":, :, :, 0:{}", source.width()))
                .clip(0, 255)
                .round()
                .toType(DataType.UINT8, false)
                .transpose(0, 2, 3, 1)
                .toByteArray();
        sink.write(first, rows, rgb);
      }
    }
  }

  /**
   * Rows {@code first} to {@code first + rows} of the bilinear upsampling ({@link
   * Ops#upsampleBilinear}, PyTorch's without aligned corners) of a downscaled layer: along the rows
   * by hand, each output row a blend of two input rows; along the columns by libtorch, on whole
   * rows.
   */
  private static NDArray upsampleRows(
      RowSpill low, int first, int rows, int factor, int width, NDManager scope)
      throws IOException {
    int[] above = new int[rows];
    int[] below = new int[rows];
    float[] fraction = new float[rows];
    for (int i = 0; i < rows; i++) {
      float source = Math.max(0f, (first + i + 0.5f) / factor - 0.5f);
      above[i] = (int) source;
      below[i] = Math.min(above[i] + 1, low.height() - 1);
      fraction[i] = source - above[i];
    }
    NDArray top = Ops.upsampleBilinear(low.read(above, scope), rows, width);
    NDArray bottom = Ops.upsampleBilinear(low.read(below, scope), rows, width);
    NDArray f = scope.create(fraction, new Shape(1, 1, rows, 1));
    return top.mul(f.neg().add(1f)).add(bottom.mul(f));
  }

  /** Rows of the padded image as a (1, 3, rows, width) tensor in [0, 255]. */
  private static NDArray content(
      PixelSource source, int first, int rows, int width, NDManager scope) throws IOException {
    int lastRow = source.height() - 1;
    int from = Math.min(first, lastRow);
    int to = Math.min(first + rows, source.height());
    byte[] inner = WindowReader.read(source, new Region(0, from, width, Math.max(1, to - from)));
    byte[] pixels = new byte[rows * width * 3];
    for (int y = 0; y < rows; y++) {
      int row = Math.min(first + y, lastRow) - from;
      System.arraycopy(inner, row * width * 3, pixels, y * width * 3, width * 3);
    }
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

  /** A layer's normalisation, with the whole image's statistics recorded for it, then ReLU. */
  private UnaryOperator<NDArray> after(StatisticsAccumulator statistics, String layer) {
    UnaryOperator<NDArray> normalised = normalisedOnly(statistics, layer);
    return x -> Ops.relu(normalised.apply(x));
  }

  /** A layer's normalisation, with the whole image's statistics recorded for it. */
  private UnaryOperator<NDArray> normalisedOnly(StatisticsAccumulator statistics, String layer) {
    GivenStatistics given = new GivenStatistics(statistics.statistics());
    NDArray gamma = network.parameters().get(layer + ".norm.gamma");
    NDArray beta = network.parameters().get(layer + ".norm.beta");
    return x -> given.normalise(layer, x, gamma, beta);
  }

  /** Frees a layer that its successor has consumed and returns the successor. */
  private static RowSpill then(List<RowSpill> open, RowSpill consumed, RowSpill next)
      throws IOException {
    release(open, consumed);
    return next;
  }

  private static RowSpill track(List<RowSpill> open, RowSpill spill) {
    open.add(spill);
    return spill;
  }

  private static void release(List<RowSpill> open, RowSpill... spills) throws IOException {
    for (RowSpill spill : spills) {
      if (open.remove(spill)) {
        spill.close();
      }
    }
  }
}
