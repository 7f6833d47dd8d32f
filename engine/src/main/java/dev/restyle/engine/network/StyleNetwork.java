package dev.restyle.engine.network;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restyle.engine.nn.Ops;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An image transformation network: RGB in, stylised RGB out, both in [0, 255] and NCHW.
 *
 * <p>Its parameters live in their own {@link NDManager}; {@link #forward} leaves every intermediate
 * on the input's manager, so callers free a whole pass by closing that.
 */
public final class StyleNetwork implements AutoCloseable {
  private final Architecture architecture;
  private final NDManager manager;
  private final Map<String, NDArray> parameters;

  private StyleNetwork(Architecture architecture, NDManager manager, Map<String, NDArray> params) {
    this.architecture = architecture;
    this.manager = manager;
    this.parameters = params;
  }

  /** A freshly initialised network (PyTorch's default initialisation, from a fixed seed). */
  public static StyleNetwork initialise(Architecture architecture, Device device, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Tensor> weights = new LinkedHashMap<>();
    for (ParameterSpec spec : architecture.parameters()) {
      int size = (int) Arrays.stream(spec.shape()).reduce(1, Math::multiplyExact);
      float[] values = new float[size];
      switch (spec.init()) {
        case ONES -> Arrays.fill(values, 1f);
        case ZEROS -> Arrays.fill(values, 0f);
        case UNIFORM_FAN_IN -> {
          double bound = 1.0 / Math.sqrt(spec.fanIn());
          for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextDouble(-bound, bound);
          }
        }
      }
      weights.put(spec.name(), new Tensor(spec.shape(), values));
    }
    return fromWeights(architecture, weights, device);
  }

  /**
   * A network with the given weights.
   *
   * @throws IllegalArgumentException if a tensor is missing, extra or of the wrong shape
   */
  public static StyleNetwork fromWeights(
      Architecture architecture, Map<String, Tensor> weights, Device device) {
    Map<String, ParameterSpec> expected = new LinkedHashMap<>();
    architecture.parameters().forEach(s -> expected.put(s.name(), s));
    for (String name : weights.keySet()) {
      if (!expected.containsKey(name)) {
        throw new IllegalArgumentException(
            "unexpected tensor " + name + " for a network of " + architecture);
      }
    }
    NDManager manager = NDManager.newBaseManager(device);
    Map<String, NDArray> params = new LinkedHashMap<>();
    for (ParameterSpec spec : expected.values()) {
      Tensor t = weights.get(spec.name());
      if (t == null || !Arrays.equals(t.shape(), spec.shape())) {
        manager.close();
        throw new IllegalArgumentException(
            "tensor "
                + spec
                + (t == null ? " is missing" : " has shape " + Arrays.toString(t.shape()))
                + " for a network of "
                + architecture);
      }
      NDArray array = t.toNDArray(manager);
      array.setName(spec.name());
      params.put(spec.name(), array);
    }
    return new StyleNetwork(architecture, manager, params);
  }

  public Architecture architecture() {
    return architecture;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** The learnt tensors by name, live (for training). */
  public Map<String, NDArray> parameters() {
    return parameters;
  }

  /** A heap copy of the learnt tensors. */
  public Map<String, Tensor> weights() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    parameters.forEach((k, v) -> out.put(k, Tensor.of(v)));
    return out;
  }

  /**
   * Runs the network.
   *
   * @param x images (N, 3, H, W) in [0, 255], H and W multiples of {@link
   *     Architecture#sideMultiple()} and at least {@link Architecture#minimumSide()}
   * @return stylised images of the same shape, unclamped
   */
  public NDArray forward(NDArray x) {
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    int multiple = architecture.sideMultiple();
    int minimum = architecture.minimumSide();
    if (h % multiple != 0 || w % multiple != 0 || h < minimum || w < minimum) {
      throw new IllegalArgumentException(
          "input must be at least "
              + minimum
              + "x"
              + minimum
              + " with sides a multiple of "
              + multiple
              + ", got "
              + w
              + "x"
              + h);
    }
    // The layers work on [-0.5, 0.5]: at initialisation the output is then already of the
    // target's scale, and Adam's fixed-size steps learn the content many times faster than on
    // raw [0, 255] values (a fixed affine map at each end; the layers are Johnson's).
    // Each intermediate is freed as soon as the next layer has consumed it (autograd keeps what
    // backward needs on the native side): a pass then reuses a few buffers instead of holding
    // every activation until the caller's manager closes, which at video sizes cost gigabytes and
    // a page fault for every fresh page.
    NDArray scaled = Ops.dividedBy(x, 255f);
    NDArray y = next(scaled, scaled.sub(0.5f));
    if (architecture.downscale() > 1) {
      y = next(y, Ops.averagePool(y, architecture.downscale()));
    }
    y = next(y, block(y, "conv1", 1, true));
    y = next(y, block(y, "conv2", 2, true));
    y = next(y, block(y, "conv3", 2, true));
    for (int i = 1; i <= architecture.residualBlocks(); i++) {
      NDArray r = residualConv(y, "res" + i + ".conv1", true);
      r = next(r, residualConv(r, "res" + i + ".conv2", false));
      NDArray sum = y.add(r);
      r.close();
      y = next(y, sum);
    }
    y = next(y, upsampleBlock(y, "up1"));
    y = next(y, upsampleBlock(y, "up2"));
    y = next(y, Ops.reflectConv(y, p("out.weight"), p("out.bias"), 1));
    if (architecture.downscale() > 1) {
      y = next(y, Ops.upsampleBilinear(y, h, w));
    }
    NDArray shifted = y.add(0.5f);
    y.close();
    return next(shifted, Ops.times(shifted, 255f));
  }

  /** Frees a consumed intermediate and returns its successor. */
  private static NDArray next(NDArray consumed, NDArray result) {
    consumed.close();
    return result;
  }

  /** Reflection-padded conv, normalisation, optional ReLU. */
  private NDArray block(NDArray x, String name, int stride, boolean relu) {
    NDArray y = Ops.reflectConv(x, p(name + ".weight"), p(name + ".bias"), stride);
    return normalise(y, name, relu);
  }

  /** 2x upsampling ({@link Architecture#upsampling()}), padding, conv, normalisation, ReLU. */
  private NDArray upsampleBlock(NDArray x, String name) {
    if (architecture.upsampling() == Upsampling.NEAREST) {
      NDArray up = Ops.upsampleNearest(x, 2);
      return next(up, block(up, name, 1, true));
    }
    NDArray up = Ops.upsampleBilinear(x, x.getShape().get(2) * 2, x.getShape().get(3) * 2);
    NDArray padded = next(up, Ops.replicationPad(up, 1));
    NDArray y = next(padded, Ops.conv(padded, p(name + ".weight"), p(name + ".bias"), 1, 0));
    return normalise(y, name, true);
  }

  /** A residual block's 3x3 conv: plain, or depthwise then pointwise. */
  private NDArray residualConv(NDArray x, String name, boolean relu) {
    if (!architecture.separable()) {
      return block(x, name, 1, relu);
    }
    NDArray d = Ops.reflectDepthwiseConv(x, p(name + ".depthwise.weight"));
    NDArray y = next(d, Ops.conv(d, p(name + ".weight"), p(name + ".bias"), 1, 0));
    return normalise(y, name, relu);
  }

  /** Instance normalisation and optional ReLU of a conv output, which it frees. */
  private NDArray normalise(NDArray y, String name, boolean relu) {
    NDArray out = next(y, Ops.instanceNorm(y, p(name + ".norm.gamma"), p(name + ".norm.beta")));
    return relu ? next(out, Ops.relu(out)) : out;
  }

  private NDArray p(String name) {
    return parameters.get(name);
  }

  @Override
  public void close() {
    manager.close();
  }
}
