package dev.restyle.engine.keras;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.nn.Ops;
import java.util.List;

/**
 * The Keras layers {@link KerasGraph} knows, as operations on NCHW arrays (Keras works in NHWC;
 * kernels are transposed once, when the graph is built). TensorFlow's padding rules are kept: for
 * {@code same}, the padding is {@code (ceil(in / stride) - 1) * stride + kernel - in} split with
 * the odd pixel after (bottom, right), and average pooling leaves the padding out of its count.
 *
 * <p>With blur pooling (Zhang 2019, "Making convolutional networks shift-invariant again"), a
 * convolution or pooling of stride s runs at stride 1 over the same padding, and {@link
 * Ops#binomialBlur} then blurs and keeps every s-th pixel: the same output positions and sizes, but
 * nothing finer than the new grid can alias into it.
 */
final class LayerOps {
  private LayerOps() {}

  /** A layer's computation: its inputs' outputs in, its output out. */
  interface Op {
    NDArray apply(List<NDArray> inputs);
  }

  /**
   * The operation of {@code layer}, its weights copied to {@code params}.
   *
   * @param blurPool strided convolutions and poolings blur before they subsample
   */
  static Op create(KerasLayer layer, KerasModel model, NDManager params, boolean blurPool) {
    return switch (layer.className()) {
      case "Conv2D", "DepthwiseConv2D" -> Conv.of(layer, model, null, params, blurPool);
      case "BatchNormalization" -> Affine.of(layer, model, params);
      case "Activation" -> activation(layer.text("activation", "linear"));
      case "ReLU" -> relu(layer);
      case "MaxPooling2D", "AveragePooling2D" -> Pooling.of(layer, blurPool);
      case "ZeroPadding2D" -> zeroPadding(layer);
      case "Concatenate" -> concatenate(layer);
      case "Add" -> LayerOps::sum;
      case "Dense" -> Dense.of(layer, model, params);
      case "Flatten" ->
          in -> in.get(0).transpose(0, 2, 3, 1).reshape(in.get(0).getShape().get(0), -1);
      case "Dropout" -> in -> in.get(0).duplicate();
      default ->
          throw new IllegalArgumentException(
              "layer "
                  + layer.name()
                  + " is a "
                  + layer.className()
                  + ", which restyle's Keras interpreter does not know");
    };
  }

  /**
   * A convolution followed by a batch normalisation that reads nothing else: one convolution whose
   * kernel and bias absorb the normalisation (what the layers compute at inference, in one pass).
   */
  static Op convWithNorm(
      KerasLayer conv, KerasLayer norm, KerasModel model, NDManager params, boolean blurPool) {
    return Conv.of(conv, model, norm, params, blurPool);
  }

  /** Whether either of {@code strides} subsamples. */
  private static boolean strided(int[] strides) {
    return strides[0] > 1 || strides[1] > 1;
  }

  /** Blur pooling's second half: blur, then every {@code strides}-th pixel. */
  private static NDArray subsample(NDArray x, int[] strides) {
    if (strides[0] != strides[1]) {
      throw new IllegalArgumentException(
          "blur pooling needs equal strides, got " + strides[0] + "x" + strides[1]);
    }
    NDArray out = Ops.binomialBlur(x, strides[0]);
    x.close();
    return out;
  }

  /** Whether {@code layer} is a convolution that a following normalisation can be folded into. */
  static boolean foldable(KerasLayer layer) {
    return (layer.className().equals("Conv2D") || layer.className().equals("DepthwiseConv2D"))
        && layer.text("activation", "linear").equals("linear");
  }

  /** Keras's data format must be channels_last, the only layout its TensorFlow.js models use. */
  private static void checkChannelsLast(KerasLayer layer) {
    String format = layer.text("data_format", "channels_last");
    if (!format.equals("channels_last")) {
      throw new IllegalArgumentException(
          "layer " + layer.name() + " uses data_format " + format + "; only channels_last works");
    }
  }

  private static Op activation(String name) {
    return switch (name) {
      case "linear" -> in -> in.get(0).duplicate();
      case "relu" -> in -> Activation.relu(in.get(0));
      case "relu6" -> in -> Activation.relu6(in.get(0));
      case "sigmoid" -> in -> Activation.sigmoid(in.get(0));
      case "tanh" -> in -> Activation.tanh(in.get(0));
      case "softmax" -> in -> in.get(0).softmax(1);
      default -> throw new IllegalArgumentException("unknown activation '" + name + "'");
    };
  }

  /** The activation a Conv2D or Dense layer applies to its result, or null for none (linear). */
  private static Op fusedActivation(KerasLayer layer) {
    String name = layer.text("activation", "linear");
    return name.equals("linear") ? null : activation(name);
  }

  private static Op relu(KerasLayer layer) {
    var max = layer.config().path("max_value");
    if (max.isNumber() && max.asDouble() == 6) {
      return activation("relu6");
    }
    if (max.isNumber() || layer.config().path("negative_slope").asDouble() != 0) {
      throw new IllegalArgumentException(
          "layer " + layer.name() + ": only a plain ReLU (or ReLU6) is supported");
    }
    return activation("relu");
  }

  private static NDArray sum(List<NDArray> inputs) {
    NDArray total = inputs.get(0).add(inputs.get(1));
    for (int i = 2; i < inputs.size(); i++) {
      NDArray next = total.add(inputs.get(i));
      total.close();
      total = next;
    }
    return total;
  }

  private static Op concatenate(KerasLayer layer) {
    int axis = layer.config().path("axis").asInt(-1);
    return in -> {
      int rank = in.get(0).getShape().dimension();
      return NDArrays.concat(new NDList(in), nchwAxis(axis, rank, layer));
    };
  }

  /** The NCHW axis of a Keras (NHWC) axis of an array of {@code rank}. */
  private static int nchwAxis(int kerasAxis, int rank, KerasLayer layer) {
    int axis = kerasAxis < 0 ? kerasAxis + rank : kerasAxis;
    if (rank != 4) {
      return axis;
    }
    return switch (axis) {
      case 1 -> 2;
      case 2 -> 3;
      case 3 -> 1;
      default ->
          throw new IllegalArgumentException("layer " + layer.name() + ": axis " + kerasAxis);
    };
  }

  private static Op zeroPadding(KerasLayer layer) {
    checkChannelsLast(layer);
    var padding = layer.config().path("padding");
    int top;
    int bottom;
    int left;
    int right;
    if (padding.isInt()) {
      top = bottom = left = right = padding.asInt();
    } else if (padding.path(0).isArray()) {
      top = padding.get(0).get(0).asInt();
      bottom = padding.get(0).get(1).asInt();
      left = padding.get(1).get(0).asInt();
      right = padding.get(1).get(1).asInt();
    } else {
      int[] pair = layer.pair("padding");
      top = bottom = pair[0];
      left = right = pair[1];
    }
    return in -> in.get(0).pad(new Shape(left, right, top, bottom), 0);
  }

  /** TensorFlow's padding of one axis: {before, after}. */
  static int[] tfPadding(String mode, long in, int kernel, int stride, int dilation) {
    if (mode.equals("valid")) {
      return new int[] {0, 0};
    }
    if (!mode.equals("same")) {
      throw new IllegalArgumentException("unknown padding '" + mode + "'");
    }
    int effective = (kernel - 1) * dilation + 1;
    long out = (in + stride - 1) / stride;
    long total = Math.max((out - 1) * stride + effective - in, 0);
    return new int[] {(int) (total / 2), (int) (total - total / 2)};
  }

  /** Conv2D or DepthwiseConv2D, optionally with a batch normalisation folded in. */
  private record Conv(
      NDArray weight,
      NDArray bias,
      int[] kernel,
      int[] strides,
      int[] dilation,
      String padding,
      int groups,
      Op activation,
      boolean blurPool)
      implements Op {

    static Conv of(
        KerasLayer layer, KerasModel model, KerasLayer norm, NDManager params, boolean blurPool) {
      checkChannelsLast(layer);
      boolean depthwise = layer.className().equals("DepthwiseConv2D");
      Tensor kernel = model.weight(layer, depthwise ? "depthwise_kernel" : "kernel");
      long[] s = kernel.shape(); // HWIO, or (H, W, C, multiplier) for depthwise
      int height = (int) s[0];
      int width = (int) s[1];
      int outChannels = (int) (depthwise ? s[2] * s[3] : s[3]);
      int inPerGroup = depthwise ? 1 : (int) s[2];
      float[] w = new float[kernel.data().length];
      // HWIO -> OIHW; for depthwise, output channel c * multiplier + m reads input channel c
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          for (int i = 0; i < s[2]; i++) {
            for (int o = 0; o < s[3]; o++) {
              float v = kernel.data()[(int) (((y * s[1] + x) * s[2] + i) * s[3] + o)];
              int out = depthwise ? (int) (i * s[3] + o) : o;
              int in = depthwise ? 0 : i;
              w[((out * inPerGroup + in) * height + y) * width + x] = v;
            }
          }
        }
      }
      float[] b = new float[outChannels];
      if (layer.config().path("use_bias").asBoolean(true) && model.hasWeight(layer, "bias")) {
        b = model.weight(layer, "bias").data().clone();
      }
      if (norm != null) {
        float[][] affine = Affine.scaleAndShift(norm, model, outChannels);
        int perOut = inPerGroup * height * width;
        for (int o = 0; o < outChannels; o++) {
          for (int k = 0; k < perOut; k++) {
            w[o * perOut + k] *= affine[0][o];
          }
          b[o] = b[o] * affine[0][o] + affine[1][o];
        }
      }
      Tensor oihw = new Tensor(new long[] {outChannels, inPerGroup, height, width}, w);
      Tensor bias = new Tensor(new long[] {outChannels}, b);
      return new Conv(
          oihw.toNDArray(params),
          bias.toNDArray(params),
          layer.pair("kernel_size"),
          layer.pair("strides"),
          layer.config().has("dilation_rate") ? layer.pair("dilation_rate") : new int[] {1, 1},
          layer.text("padding", "valid"),
          depthwise ? (int) s[2] : 1,
          fusedActivation(layer),
          blurPool && strided(layer.pair("strides")));
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
      NDArray x = inputs.get(0);
      Shape shape = x.getShape();
      int[] rows = tfPadding(padding, shape.get(2), kernel[0], strides[0], dilation[0]);
      int[] cols = tfPadding(padding, shape.get(3), kernel[1], strides[1], dilation[1]);
      boolean even = rows[0] == rows[1] && cols[0] == cols[1];
      NDArray padded = even ? x : x.pad(new Shape(cols[0], cols[1], rows[0], rows[1]), 0);
      NDArray y =
          Conv2d.conv2d(
                  padded,
                  weight,
                  bias,
                  blurPool ? new Shape(1, 1) : new Shape(strides[0], strides[1]),
                  even ? new Shape(rows[0], cols[0]) : new Shape(0, 0),
                  new Shape(dilation[0], dilation[1]),
                  groups)
              .singletonOrThrow();
      Ops.closeUnless(padded, x);
      if (activation != null) {
        NDArray activated = activation.apply(List.of(y));
        y.close();
        y = activated;
      }
      return blurPool ? subsample(y, strides) : y;
    }
  }

  /** Batch normalisation at inference: a per-channel scale and shift. */
  private record Affine(NDArray scale, NDArray shift) implements Op {
    static Affine of(KerasLayer layer, KerasModel model, NDManager params) {
      long channels = model.weight(layer, "moving_mean").shape()[0];
      float[][] affine = scaleAndShift(layer, model, (int) channels);
      return new Affine(
          new Tensor(new long[] {channels}, affine[0]).toNDArray(params),
          new Tensor(new long[] {channels}, affine[1]).toNDArray(params));
    }

    /** {scale, shift} per channel: gamma / sqrt(variance + epsilon), beta - mean * scale. */
    static float[][] scaleAndShift(KerasLayer layer, KerasModel model, int channels) {
      int axis =
          layer.config().path("axis").isArray()
              ? layer.config().path("axis").get(0).asInt()
              : layer.config().path("axis").asInt(-1);
      if (axis != -1 && axis != 3 && axis != 1) {
        throw new IllegalArgumentException(
            "layer " + layer.name() + " normalises axis " + axis + "; only channels work");
      }
      double epsilon = layer.config().path("epsilon").asDouble(1e-3);
      float[] mean = model.weight(layer, "moving_mean").data();
      float[] variance = model.weight(layer, "moving_variance").data();
      float[] gamma = model.hasWeight(layer, "gamma") ? model.weight(layer, "gamma").data() : null;
      float[] beta = model.hasWeight(layer, "beta") ? model.weight(layer, "beta").data() : null;
      if (mean.length != channels || variance.length != channels) {
        throw new IllegalArgumentException(
            "layer " + layer.name() + " normalises " + mean.length + " channels, not " + channels);
      }
      float[] scale = new float[channels];
      float[] shift = new float[channels];
      for (int c = 0; c < channels; c++) {
        double s = (gamma == null ? 1 : gamma[c]) / Math.sqrt(variance[c] + epsilon);
        scale[c] = (float) s;
        shift[c] = (float) ((beta == null ? 0 : beta[c]) - mean[c] * s);
      }
      return new float[][] {scale, shift};
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
      NDArray x = inputs.get(0);
      int rank = x.getShape().dimension();
      long c = scale.size();
      Shape broadcast = rank == 4 ? new Shape(1, c, 1, 1) : new Shape(1, c);
      NDArray scaled = x.mul(scale.reshape(broadcast));
      NDArray out = scaled.add(shift.reshape(broadcast));
      scaled.close();
      return out;
    }
  }

  /** MaxPooling2D and AveragePooling2D. */
  private record Pooling(boolean max, int[] size, int[] strides, String padding, boolean blurPool)
      implements Op {
    static Pooling of(KerasLayer layer, boolean blurPool) {
      checkChannelsLast(layer);
      int[] size = layer.pair("pool_size");
      int[] strides = layer.config().path("strides").isNull() ? size : layer.pair("strides");
      return new Pooling(
          layer.className().equals("MaxPooling2D"),
          size,
          strides,
          layer.text("padding", "valid"),
          blurPool && strided(strides));
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
      NDArray pooled = pool(inputs.get(0));
      return blurPool ? subsample(pooled, strides) : pooled;
    }

    /** The pooling, at stride 1 with blur pooling (over the padding of its own stride). */
    private NDArray pool(NDArray x) {
      int[] rows = tfPadding(padding, x.getShape().get(2), size[0], strides[0], 1);
      int[] cols = tfPadding(padding, x.getShape().get(3), size[1], strides[1], 1);
      Shape kernel = new Shape(size[0], size[1]);
      Shape stride = blurPool ? new Shape(1, 1) : new Shape(strides[0], strides[1]);
      Shape none = new Shape(0, 0);
      boolean even = rows[0] == rows[1] && cols[0] == cols[1];
      boolean unpadded = rows[0] + rows[1] + cols[0] + cols[1] == 0;
      if (max && even) {
        return Pool.maxPool2d(x, kernel, stride, new Shape(rows[0], cols[0]), false);
      }
      if (!max && unpadded) {
        return Pool.avgPool2d(x, kernel, stride, none, false, true);
      }
      Shape pad = new Shape(cols[0], cols[1], rows[0], rows[1]);
      if (max) {
        NDArray padded = x.pad(pad, Double.NEGATIVE_INFINITY);
        NDArray out = Pool.maxPool2d(padded, kernel, stride, none, false);
        padded.close();
        return out;
      }
      // TensorFlow averages over the pixels inside the image only. PyTorch's own padding cannot do
      // that here: DJL 0.33 ignores avgPool2d's countIncludePad (padding is always counted), so
      // the zeros are added explicitly and the sums divided by the counts of real pixels.
      NDArray padded = x.pad(pad, 0);
      NDArray sums = Pool.avgPool2d(padded, kernel, stride, none, false, true);
      padded.close();
      NDArray counts;
      try (NDManager scope = x.getManager().newSubManager()) {
        NDArray ones = scope.ones(new Shape(1, 1, x.getShape().get(2), x.getShape().get(3)));
        counts = Pool.avgPool2d(ones.pad(pad, 0), kernel, stride, none, false, true);
        counts.attach(x.getManager());
      }
      NDArray out = sums.div(counts);
      sums.close();
      counts.close();
      return out;
    }
  }

  /** Dense: {@code x . kernel + bias} on (N, features). */
  private record Dense(NDArray kernel, NDArray bias, Op activation) implements Op {
    static Dense of(KerasLayer layer, KerasModel model, NDManager params) {
      Tensor kernel = model.weight(layer, "kernel");
      NDArray bias =
          model.hasWeight(layer, "bias") ? model.weight(layer, "bias").toNDArray(params) : null;
      return new Dense(kernel.toNDArray(params), bias, fusedActivation(layer));
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
      NDArray y = inputs.get(0).matMul(kernel);
      if (bias != null) {
        NDArray biased = y.add(bias);
        y.close();
        y = biased;
      }
      if (activation == null) {
        return y;
      }
      NDArray out = activation.apply(List.of(y));
      y.close();
      return out;
    }
  }
}
