package dev.restyle.engine.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.restyle.engine.keras.NhwcReference.Act;
import dev.restyle.engine.keras.TfjsFixture.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interpreter against {@link NhwcReference}: every layer kind on odd and even sizes (so that
 * TensorFlow's 'same' padding falls unevenly), normalisations folded and not, small graphs of them,
 * intermediate outputs, and the gradient with respect to the input.
 */
class KerasGraphTest {
  /** Allowed difference, relative to the largest expected magnitude (at least 1). */
  private static final double TOLERANCE = 1e-4;

  private NDManager manager;

  @BeforeEach
  void openManager() {
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  // ---- single layers ----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}x{1} input, {2}x{3} kernel, stride {4}, {5}, dilation {6}")
  @CsvSource({
    "7, 7, 3, 3, 1, same, 1, true, linear",
    "8, 8, 3, 3, 2, same, 1, true, linear", // pads 0 before, 1 after
    "7, 7, 3, 3, 2, same, 1, false, relu", // pads 1 and 1
    "8, 7, 3, 3, 2, valid, 1, true, linear",
    "7, 8, 3, 3, 2, valid, 1, false, linear",
    "9, 8, 3, 3, 1, valid, 2, true, linear",
    "8, 9, 3, 3, 1, same, 2, false, relu",
    "8, 8, 5, 5, 2, same, 1, true, linear", // pads 1 before, 2 after
    "7, 8, 1, 3, 1, same, 1, true, relu",
    "8, 7, 3, 1, 2, same, 1, true, linear",
    "6, 6, 1, 1, 2, same, 1, true, linear", // no padding at all
    "5, 6, 2, 2, 1, same, 1, true, linear", // even kernel: 0 before, 1 after at stride 1
  })
  void conv2d(
      int h,
      int w,
      int kh,
      int kw,
      int stride,
      String padding,
      int dilation,
      boolean bias,
      String activation) {
    TfjsFixture f = new TfjsFixture(100 + h * 10 + w);
    String x = f.input("input_1", h, w, 3);
    f.conv("conv", x, 4, new int[] {kh, kw}, stride, padding, dilation, bias, activation);
    assertParity(f, f.randomInput(2), "conv");
  }

  @ParameterizedTest(name = "{0}x{1} input, multiplier {2}, stride {3}, {4}")
  @CsvSource({
    "7, 7, 1, 1, same, true",
    "8, 8, 2, 2, same, false",
    "7, 8, 2, 1, valid, true",
    "7, 7, 1, 2, same, true",
    "8, 7, 2, 2, valid, true",
  })
  void depthwiseConv2d(int h, int w, int multiplier, int stride, String padding, boolean bias) {
    TfjsFixture f = new TfjsFixture(200 + h * 10 + w);
    String x = f.input("input_1", h, w, 3);
    f.depthwise("depthwise", x, 3, multiplier, stride, padding, bias);
    assertParity(f, f.randomInput(2), "depthwise");
  }

  static Stream<Arguments> poolings() {
    List<Arguments> cases = new ArrayList<>();
    for (boolean max : new boolean[] {true, false}) {
      for (String padding : List.of("valid", "same")) {
        for (int[] sizeAndStride : new int[][] {{3, 1}, {3, 2}, {2, 2}}) {
          for (int[] hw : new int[][] {{7, 7}, {8, 8}, {7, 8}}) {
            cases.add(Arguments.of(max, padding, sizeAndStride[0], sizeAndStride[1], hw[0], hw[1]));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "max {0}, {1}, {2}x{2} stride {3} on {4}x{5}")
  @MethodSource("poolings")
  void pooling(boolean max, String padding, int size, int stride, int h, int w) {
    TfjsFixture f = new TfjsFixture(300 + h * 10 + w);
    String x = f.input("input_1", h, w, 3);
    f.pool("pool", x, max, size, stride, padding);
    assertParity(f, f.randomInput(2), "pool");
  }

  @Test
  void zeroPaddingInEachOfItsForms() {
    TfjsFixture f = new TfjsFixture(400);
    String x = f.input("input_1", 5, 6, 2);
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    String a = f.zeroPad("zero_padding2d_1", x, nodes.numberNode(1));
    String b = f.zeroPad("zero_padding2d_2", a, nodes.arrayNode().add(2).add(0));
    String c = f.zeroPad("zero_padding2d_3", b, 1, 2, 0, 3);
    f.conv("conv", c, 3, 3, 2, "valid");
    assertParity(f, f.randomInput(2), "zero_padding2d_1", "zero_padding2d_2", c, "conv");
  }

  @Test
  void activations() {
    TfjsFixture f = new TfjsFixture(500);
    String x = f.input("input_1", 4, 5, 3);
    String conv = f.conv("conv", x, 6, 3, 1, "same");
    List<String> outputs = new ArrayList<>();
    for (String function : List.of("linear", "relu", "relu6", "sigmoid", "tanh", "softmax")) {
      outputs.add(f.activation("activation_" + function, conv, function));
    }
    outputs.add(f.relu("re_lu", conv, null));
    outputs.add(f.relu("re_lu6", conv, 6.0));
    outputs.add(f.dropout("dropout", conv));
    String scaled = f.conv("large", x, 4, 3, 1, "same");
    outputs.add(f.relu("re_lu6_clipping", scaled, 6.0));
    // larger weights, so that ReLU6 clips (the reference reads the same array)
    float[] kernel = f.weights().get("large/kernel").data();
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] *= 20;
    }
    Act input = f.randomInput(2);
    Act clipped = f.reference("re_lu6_clipping", input);
    assertTrue(Arrays.stream(clipped.v()).filter(v -> v == 6).count() > 4, "some clip at 6");
    assertParity(f, input, outputs.toArray(String[]::new));
  }

  // ---- batch normalisation ----------------------------------------------------------------------

  @Test
  void batchNormFoldedIntoTheConvolutionBeforeIt() {
    TfjsFixture f = new TfjsFixture(600);
    String x = f.input("input_1", 7, 8, 3);
    String a = f.conv("conv_a", x, 4, new int[] {3, 3}, 2, "same", 1, true, "linear");
    String na = f.batchNorm("bn_a", a, true);
    String b = f.conv("conv_b", x, 4, new int[] {3, 3}, 1, "same", 1, false, "linear");
    String nb = f.batchNorm("bn_b", b, false, false, 1e-5);
    String d = f.depthwise("depthwise", x, 3, 2, 2, "same", false);
    String nd = f.batchNorm("bn_d", d, true, true, 0.01);
    assertParity(f, f.randomInput(2), na, nb, nd);
  }

  @Test
  void batchNormStandingAlone() {
    TfjsFixture f = new TfjsFixture(601);
    String x = f.input("input_1", 5, 6, 3);
    String n0 = f.batchNorm("bn_input", x, true);
    String a = f.conv("conv_a", x, 2, 1, 1, "same");
    String b = f.conv("conv_b", x, 3, 3, 1, "same");
    String cat = f.concat("concatenate", a, b);
    String n1 = f.batchNorm("bn_concat", cat, false);
    // a convolution with its own activation cannot absorb the normalisation
    String c = f.conv("conv_relu", x, 4, new int[] {3, 3}, 1, "same", 1, true, "relu");
    String n2 = f.batchNorm("bn_after_relu", c, true);
    // nor can one whose output is read elsewhere too
    String d = f.conv("conv_shared", x, 3, 3, 1, "same");
    String n3 = f.batchNorm("bn_shared", d, true);
    String sum = f.sum("add", n3, d);
    assertParity(f, f.randomInput(2), n0, n1, n2, sum);
  }

  // ---- graphs -----------------------------------------------------------------------------------

  /**
   * An Inception-like block: 1x1, 1x1 then 3x3 'same', 3x3 average pool then 1x1, each with BN and
   * ReLU, concatenated; then a reduction (3x3 stride-2 convolution beside a max pool) and a dense
   * classifier on the flattened result.
   */
  static TfjsFixture inception(long seed, int size) {
    TfjsFixture f = new TfjsFixture(seed);
    String x = f.input("input_1", size, size, 3);
    String b1 = unit(f, "b1", x, 4, 1, 1, "same");
    String b2 = unit(f, "b2a", x, 3, 1, 1, "same");
    b2 = unit(f, "b2b", b2, 4, 3, 1, "same");
    String b3 = f.pool("b3_pool", x, false, 3, 1, "same");
    b3 = unit(f, "b3", b3, 2, 1, 1, "same");
    String mixed = f.concat("mixed0", b1, b2, b3);
    String r1 = unit(f, "r1", mixed, 4, 3, 2, "same");
    String r2 = f.pool("r2_pool", mixed, true, 3, 2, "same");
    String mixed1 = f.concat("mixed1", r1, r2);
    String flat = f.flatten("flatten", mixed1);
    String hidden = f.dense("dense_1", flat, 6, "relu");
    f.dense("predictions", f.dropout("dropout", hidden), 3, "softmax");
    return f;
  }

  /** Conv2D (no bias) -> BatchNormalization (no gamma) -> ReLU, as Keras's InceptionV3 has. */
  private static String unit(
      TfjsFixture f, String name, String from, int filters, int k, int stride, String padding) {
    String conv =
        f.conv(
            name + "_conv", from, filters, new int[] {k, k}, stride, padding, 1, false, "linear");
    String norm = f.batchNorm(name + "_bn", conv, false);
    return f.activation(name + "_relu", norm, "relu");
  }

  @Test
  void inceptionBlockReadFromJavaScriptModules(@TempDir Path dir) throws IOException {
    TfjsFixture f = inception(700, 8);
    KerasModel model =
        TfjsModelReader.read(f.writeJs(dir, Storage.FLOAT32, 1, 3, false).modelFile());
    Act x = f.randomInput(2);
    assertParity(f, model, x, "mixed0", "mixed1", "predictions");
  }

  @Test
  void inceptionBlockOnAnOddSize() {
    TfjsFixture f = inception(701, 9);
    assertParity(f, f.randomInput(1), "mixed1", "dense_1");
  }

  @Test
  void sequentialModelRuns(@TempDir Path dir) throws IOException {
    TfjsFixture f = TfjsModelReaderTest.sequentialModel(705);
    KerasModel model =
        TfjsModelReader.read(
            f.writeJson(dir, f.sequentialTopology(), Storage.FLOAT32, 1, 2).modelFile());
    // the input layer the reader makes up for a Sequential model is called "input", as the
    // fixture's is
    assertParity(f, model, f.randomInput(2), "re_lu_1", "dense_1");
  }

  @Test
  void residualBlock() {
    TfjsFixture f = new TfjsFixture(702);
    String x = f.input("input_1", 6, 7, 4);
    String a = f.conv("conv_a", x, 4, 3, 1, "same");
    a = f.batchNorm("bn_a", a, true);
    a = f.relu("relu_a", a, null);
    String b = f.conv("conv_b", a, 4, 3, 1, "same");
    b = f.batchNorm("bn_b", b, true);
    String sum = f.sum("add", b, x, a);
    String out = f.activation("relu_out", sum, "relu");
    String padded = f.zeroPad("pad", out, 1, 1, 1, 1);
    f.conv("down", padded, 5, 3, 2, "valid");
    assertParity(f, f.randomInput(2), "down");
  }

  @Test
  void intermediateLayersRequestedAsOutputsAreReturned() {
    TfjsFixture f = inception(703, 7);
    Act x = f.randomInput(2);
    // b2b_conv feeds only b2b_bn, so it would be folded into it were it not requested
    List<String> outputs =
        List.of("predictions", "b2b_conv", "b2b_bn", "mixed0", "b1_relu", "b3_pool");
    Map<String, NDArray> out = assertParity(f, f.model(), x, outputs.toArray(String[]::new));
    assertEquals(outputs, List.copyOf(out.keySet()), "in the order asked for");

    // asked for alone, the convolution is computed unfolded too
    assertParity(f, x, "b2b_conv");
  }

  @Test
  void onlyWhatTheOutputsNeedIsBuilt() {
    TfjsFixture f = new TfjsFixture(704);
    String x = f.input("input_1", 5, 5, 2);
    String a = f.conv("conv_a", x, 3, 3, 1, "same");
    f.other("unknown", "SomeCustomLayer", a);
    // a layer the interpreter does not know is no obstacle when no output needs it
    assertParity(f, f.randomInput(1), "conv_a");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new KerasGraph(f.model(), List.of("unknown"), Device.cpu()));
    assertTrue(e.getMessage().contains("SomeCustomLayer"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new KerasGraph(f.model(), List.of("nowhere"), Device.cpu()));
    assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
  }

  // ---- backward ---------------------------------------------------------------------------------

  @Test
  void inputGradientMatchesFiniteDifferencesOfTheReference() {
    TfjsFixture f = new TfjsFixture(800);
    String x = f.input("input_1", 6, 7, 3);
    String b1 = unit(f, "b1", x, 3, 1, 1, "same");
    String b2 = unit(f, "b2", x, 3, 3, 2, "same");
    String b3 = f.pool("b3_pool", x, false, 3, 2, "same");
    String b4 = f.pool("b4_pool", b1, true, 3, 2, "same");
    String dw = f.depthwise("dw", x, 3, 2, 2, "same", true);
    String mixed = f.concat("mixed", b2, b3, b4, dw);
    String norm = f.batchNorm("bn_mixed", mixed, true);
    String output = f.conv("head", norm, 2, 3, 1, "same");

    Act input = f.randomInput(1);
    NDArray images = nchw(input, manager);
    images.setRequiresGradient(true);
    try (KerasGraph graph = new KerasGraph(f.model(), List.of(output), Device.cpu());
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray out = graph.forward(images).get(output);
      assertClose(f.reference(output, input), out, output);
      collector.backward(out.sum());
    }
    float[] gradient = images.getGradient().toFloatArray();

    double largest = 0;
    for (float g : gradient) {
      largest = Math.max(largest, Math.abs(g));
    }
    assertTrue(largest > 0.1, "a gradient flows: " + largest);
    int[][] positions = {
      {0, 0, 0}, {0, 6, 2}, {5, 6, 1}, {5, 0, 0}, {2, 3, 1}, {3, 4, 2}, {1, 5, 0}
    };
    double h = 1e-5;
    for (int[] p : positions) {
      int i = input.index(0, p[0], p[1], p[2]);
      Act plus = input.copy();
      plus.v()[i] += h;
      Act minus = input.copy();
      minus.v()[i] -= h;
      double numeric = (sum(f.reference(output, plus)) - sum(f.reference(output, minus))) / (2 * h);
      double analytic = gradient[(p[2] * input.h() + p[0]) * input.w() + p[1]];
      assertEquals(
          numeric,
          analytic,
          1e-3 * Math.max(1, largest),
          "d sum / d input at (y, x, c) = " + Arrays.toString(p));
    }
  }

  // ---- blur pooling -----------------------------------------------------------------------------

  /**
   * A stride-2 layer with blur pooling is the same layer at stride 1 (same weights: the fixtures
   * share a seed), then a reflection-padded [1, 2, 1] blur sampled every other pixel, computed here
   * in NHWC. 'same' on odd sides pads alike at both strides, so stride 1 is its reference.
   */
  @ParameterizedTest(name = "{0} {1} on {2}x{3}")
  @CsvSource({
    "conv, valid, 8, 7",
    "conv, same, 7, 7",
    "max, valid, 8, 8",
    "average, same, 7, 9",
  })
  void blurPoolingIsTheLayerAtStrideOneThenBlurredAndSubsampled(
      String kind, String padding, int h, int w) {
    TfjsFixture strided = blurPoolFixture(kind, padding, h, w, 2);
    TfjsFixture dense = blurPoolFixture(kind, padding, h, w, 1);
    Act x = strided.randomInput(2);
    Act expected = blurSubsample(dense.reference("layer", x));
    try (KerasGraph graph = new KerasGraph(strided.model(), List.of("layer"), Device.cpu(), true)) {
      assertClose(expected, graph.forward(nchw(x, manager)).get("layer"), kind + " " + padding);
    }
    // and without it, the layer as trained
    assertParity(strided, x, "layer");
  }

  @Test
  void blurPoolingStopsAPeriodTwoPatternFromAliasingIntoTheSubsampledGrid() {
    TfjsFixture f = new TfjsFixture(900);
    String x = f.input("input_1", 8, 10, 1);
    f.pool("layer", x, true, 1, 2, "valid"); // plain subsampling
    Act stripes = new Act(1, 8, 10, 1);
    for (int y = 0; y < 8; y++) {
      for (int i = 0; i < 10; i++) {
        stripes.v()[stripes.index(0, y, i, 0)] = i % 2 == 0 ? 1 : -1;
      }
    }
    try (KerasGraph plain = new KerasGraph(f.model(), List.of("layer"), Device.cpu());
        KerasGraph blurred = new KerasGraph(f.model(), List.of("layer"), Device.cpu(), true)) {
      NDArray aliased = plain.forward(nchw(stripes, manager)).get("layer");
      NDArray kept = blurred.forward(nchw(stripes, manager)).get("layer");
      assertEquals(new Shape(1, 1, 4, 5), aliased.getShape());
      assertEquals(aliased.getShape(), kept.getShape());
      assertEquals(1f, aliased.min().getFloat(), "every other column: the stripes alias to 1");
      assertEquals(0f, kept.abs().max().getFloat(), 1e-6f, "blurred first: nothing left");
    }
  }

  private static TfjsFixture blurPoolFixture(
      String kind, String padding, int h, int w, int stride) {
    TfjsFixture f = new TfjsFixture(950 + h * 10 + w);
    String x = f.input("input_1", h, w, 3);
    switch (kind) {
      case "conv" -> f.conv("layer", x, 4, 3, stride, padding);
      case "max", "average" -> f.pool("layer", x, kind.equals("max"), 3, stride, padding);
      default -> throw new IllegalArgumentException(kind);
    }
    return f;
  }

  /** Reflection padding by 1, the [1, 2, 1] x [1, 2, 1] / 16 blur, every other pixel. */
  private static Act blurSubsample(Act a) {
    int h = (a.h() + 1) / 2;
    int w = (a.w() + 1) / 2;
    Act out = new Act(a.n(), h, w, a.c());
    double[] taps = {0.25, 0.5, 0.25};
    for (int b = 0; b < a.n(); b++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int c = 0; c < a.c(); c++) {
            double sum = 0;
            for (int dy = -1; dy <= 1; dy++) {
              for (int dx = -1; dx <= 1; dx++) {
                int sy = reflect(2 * y + dy, a.h());
                int sx = reflect(2 * x + dx, a.w());
                sum += taps[dy + 1] * taps[dx + 1] * a.at(b, sy, sx, c);
              }
            }
            out.v()[out.index(b, y, x, c)] = sum;
          }
        }
      }
    }
    return out;
  }

  private static int reflect(int i, int size) {
    return i < 0 ? -i : i >= size ? 2 * size - 2 - i : i;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private Map<String, NDArray> assertParity(TfjsFixture f, Act x, String... outputs) {
    return assertParity(f, f.model(), x, outputs);
  }

  private Map<String, NDArray> assertParity(
      TfjsFixture f, KerasModel model, Act x, String... outputs) {
    try (KerasGraph graph = new KerasGraph(model, List.of(outputs), Device.cpu())) {
      Map<String, NDArray> out = graph.forward(nchw(x, manager));
      for (String name : outputs) {
        assertClose(f.reference(name, x), out.get(name), name);
      }
      return out;
    }
  }

  private static NDArray nchw(Act x, NDManager manager) {
    float[] data = new float[x.v().length];
    for (int b = 0; b < x.n(); b++) {
      for (int y = 0; y < x.h(); y++) {
        for (int i = 0; i < x.w(); i++) {
          for (int c = 0; c < x.c(); c++) {
            data[((b * x.c() + c) * x.h() + y) * x.w() + i] = (float) x.at(b, y, i, c);
          }
        }
      }
    }
    return manager.create(data, new Shape(x.n(), x.c(), x.h(), x.w()));
  }

  /** {@code actual} (NCHW, or (N, features) when flat) against the NHWC reference. */
  private static void assertClose(Act expected, NDArray actual, String what) {
    Shape shape =
        expected.flat()
            ? new Shape(expected.n(), expected.c())
            : new Shape(expected.n(), expected.c(), expected.h(), expected.w());
    assertEquals(shape, actual.getShape(), what + ": shape");
    float[] values = actual.toFloatArray();
    double largest = 1;
    for (double v : expected.v()) {
      largest = Math.max(largest, Math.abs(v));
    }
    double allowed = TOLERANCE * largest;
    for (int b = 0; b < expected.n(); b++) {
      for (int y = 0; y < expected.h(); y++) {
        for (int x = 0; x < expected.w(); x++) {
          for (int c = 0; c < expected.c(); c++) {
            int at =
                expected.flat()
                    ? b * expected.c() + c
                    : ((b * expected.c() + c) * expected.h() + y) * expected.w() + x;
            double e = expected.at(b, y, x, c);
            if (Math.abs(values[at] - e) > allowed) {
              throw new AssertionError(
                  "%s at (n %d, y %d, x %d, c %d): expected %.7f, got %.7f (allowed %.1e)"
                      .formatted(what, b, y, x, c, e, values[at], allowed));
            }
          }
        }
      }
    }
  }

  private static double sum(Act a) {
    double s = 0;
    for (double v : a.v()) {
      s += v;
    }
    return s;
  }

  @Test
  void nchwHelperIsATranspose() {
    Act x = new Act(1, 2, 3, 2);
    for (int i = 0; i < x.v().length; i++) {
      x.v()[i] = i;
    }
    // NHWC 0..11 over (y, x, c) -> channel 0 holds the even values
    assertArrayEquals(
        new float[] {0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11}, nchw(x, manager).toFloatArray());
  }
}
