package dev.restyle.engine.network;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of an image transformation network (Johnson et al. 2016, supplementary table 1), plus
 * the knobs of restyle's fast variants.
 *
 * <p>At width 1.0 with 5 residual blocks and the defaults of the other knobs this is exactly their
 * network: 9x9 conv 32, 3x3 conv 64 stride 2, 3x3 conv 128 stride 2, five residual blocks of 128,
 * two nearest-neighbour upsampling stages of 64 and 32 (each followed by a 3x3 conv), and a 9x9
 * conv to 3 channels. The width multiplier scales every hidden channel count.
 *
 * <p>The fast knobs (saved in the network file; files written before they existed read as the
 * defaults):
 *
 * <ul>
 *   <li>{@code downscale}: the layers run on the input average-pooled by this factor and the result
 *       is upsampled back bilinearly, so the network costs {@code 1 / downscale^2};
 *   <li>{@code edgeKernel}: the kernel of the first and the last convolution (9 in the paper), the
 *       two layers that run at full resolution with few channels;
 *   <li>{@code separable}: each 3x3 convolution of the residual blocks becomes a depthwise 3x3 and
 *       a pointwise 1x1 convolution (Howard et al. 2017, MobileNets).
 * </ul>
 *
 * <p>And one knob of looks, not speed: {@code upsampling}, how the two upsampling stages double the
 * resolution ({@link Upsampling}; Johnson: nearest).
 *
 * @param width channel multiplier, one of 1.0, 0.5, 0.25
 * @param residualBlocks number of residual blocks (Johnson: 5)
 * @param downscale internal downscale factor: 1, 2 or 4 (Johnson: 1)
 * @param edgeKernel kernel size of the first and last convolution: 9, 5 or 3 (Johnson: 9)
 * @param separable depthwise-separable residual blocks (Johnson: false)
 * @param upsampling how the upsampling stages interpolate (Johnson: nearest)
 */
public record Architecture(
    double width,
    int residualBlocks,
    int downscale,
    int edgeKernel,
    boolean separable,
    Upsampling upsampling) {

  private static final List<Double> WIDTHS = List.of(1.0, 0.5, 0.25);
  private static final List<Integer> DOWNSCALES = List.of(1, 2, 4);
  private static final List<Integer> EDGE_KERNELS = List.of(9, 5, 3);

  /** The full network of the paper. */
  public static final Architecture JOHNSON = new Architecture(1.0, 5);

  public Architecture {
    if (!WIDTHS.contains(width)) {
      throw new IllegalArgumentException("width must be one of " + WIDTHS + ", got " + width);
    }
    if (residualBlocks < 1 || residualBlocks > 16) {
      throw new IllegalArgumentException(
          "residualBlocks must be between 1 and 16, got " + residualBlocks);
    }
    if (!DOWNSCALES.contains(downscale)) {
      throw new IllegalArgumentException(
          "downscale must be one of " + DOWNSCALES + ", got " + downscale);
    }
    if (!EDGE_KERNELS.contains(edgeKernel)) {
      throw new IllegalArgumentException(
          "edgeKernel must be one of " + EDGE_KERNELS + ", got " + edgeKernel);
    }
    if (upsampling == null) {
      throw new IllegalArgumentException("upsampling must be one of " + Upsampling.ids());
    }
  }

  /** A layout with Johnson's nearest-neighbour upsampling. */
  public Architecture(
      double width, int residualBlocks, int downscale, int edgeKernel, boolean separable) {
    this(width, residualBlocks, downscale, edgeKernel, separable, Upsampling.NEAREST);
  }

  /** The same layout with another upsampling. */
  public Architecture withUpsampling(Upsampling mode) {
    return new Architecture(width, residualBlocks, downscale, edgeKernel, separable, mode);
  }

  /** Johnson's layout at a width and depth (full resolution, 9x9 edges, plain convolutions). */
  public Architecture(double width, int residualBlocks) {
    this(width, residualBlocks, 1, 9, false);
  }

  /**
   * Reads the JSON of a network file; the fast knobs are absent from files written before they
   * existed and take Johnson's values.
   */
  @JsonCreator
  public static Architecture fromJson(
      @JsonProperty("width") double width,
      @JsonProperty("residualBlocks") int residualBlocks,
      @JsonProperty("downscale") Integer downscale,
      @JsonProperty("edgeKernel") Integer edgeKernel,
      @JsonProperty("separable") Boolean separable,
      @JsonProperty("upsampling") Upsampling upsampling) {
    return new Architecture(
        width,
        residualBlocks,
        downscale == null ? 1 : downscale,
        edgeKernel == null ? 9 : edgeKernel,
        separable != null && separable,
        upsampling == null ? Upsampling.NEAREST : upsampling);
  }

  /** Channel count of a layer that has {@code base} channels in the full network. */
  public int channels(int base) {
    return (int) Math.round(base * width);
  }

  /** Input sides must be a multiple of this (two stride-2 stages after the downscale). */
  public int sideMultiple() {
    return 4 * downscale;
  }

  /** Input sides must be at least this. */
  public int minimumSide() {
    return 16 * downscale;
  }

  /** Every learnt tensor of the network, in a fixed order, with its shape. */
  public List<ParameterSpec> parameters() {
    int c1 = channels(32);
    int c2 = channels(64);
    int c3 = channels(128);
    List<ParameterSpec> specs = new ArrayList<>();
    convWithNorm(specs, "conv1", 3, c1, edgeKernel);
    convWithNorm(specs, "conv2", c1, c2, 3);
    convWithNorm(specs, "conv3", c2, c3, 3);
    for (int i = 1; i <= residualBlocks; i++) {
      for (String conv : List.of(".conv1", ".conv2")) {
        String name = "res" + i + conv;
        if (separable) {
          specs.add(ParameterSpec.depthwiseWeight(name + ".depthwise.weight", c3, 3));
          convWithNorm(specs, name, c3, c3, 1);
        } else {
          convWithNorm(specs, name, c3, c3, 3);
        }
      }
    }
    convWithNorm(specs, "up1", c3, c2, 3);
    convWithNorm(specs, "up2", c2, c1, 3);
    specs.add(ParameterSpec.convWeight("out.weight", 3, c1, edgeKernel));
    specs.add(ParameterSpec.bias("out.bias", 3, (long) c1 * edgeKernel * edgeKernel));
    return specs;
  }

  private static void convWithNorm(List<ParameterSpec> specs, String name, int in, int out, int k) {
    specs.add(ParameterSpec.convWeight(name + ".weight", out, in, k));
    specs.add(ParameterSpec.bias(name + ".bias", out, (long) in * k * k));
    specs.add(ParameterSpec.normScale(name + ".norm.gamma", out));
    specs.add(ParameterSpec.normShift(name + ".norm.beta", out));
  }

  /**
   * Multiply-accumulate operations of the convolutions for one image of the given size (the input
   * size; a downscaling network runs its layers on fewer pixels). Normalisation, activations,
   * padding and resampling are not counted: they are a few operations per value, not per weight.
   */
  public long multiplyAccumulates(int height, int width) {
    long total = 0;
    int h = height / downscale;
    int w = width / downscale;
    for (ParameterSpec spec : parameters()) {
      if (spec.name().endsWith(".weight")) {
        long[] s = spec.shape();
        int scale = outputScale(spec.name());
        long pixels = (long) (h / scale) * (w / scale);
        total += s[0] * s[1] * s[2] * s[3] * pixels;
      }
    }
    return total;
  }

  private static int outputScale(String name) {
    if (name.startsWith("conv2") || name.startsWith("up1")) {
      return 2;
    }
    if (name.startsWith("conv3") || name.startsWith("res")) {
      return 4;
    }
    return 1;
  }

  /** Whether this is Johnson's layout (no fast knob set). */
  public boolean plainJohnson() {
    return downscale == 1 && edgeKernel == 9 && !separable;
  }

  @Override
  public String toString() {
    String base = "width " + width + ", " + residualBlocks + " residual blocks";
    if (!plainJohnson()) {
      base +=
          ", downscale "
              + downscale
              + ", "
              + edgeKernel
              + "x"
              + edgeKernel
              + " edges"
              + (separable ? ", separable residual blocks" : "");
    }
    return upsampling == Upsampling.NEAREST ? base : base + ", " + upsampling.id() + " upsampling";
  }
}
