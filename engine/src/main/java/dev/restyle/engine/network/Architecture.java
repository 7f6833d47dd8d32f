package dev.restyle.engine.network;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of an image transformation network (Johnson et al. 2016, supplementary table 1).
 *
 * <p>At width 1.0 with 5 residual blocks this is exactly their network: 9x9 conv 32, 3x3 conv 64
 * stride 2, 3x3 conv 128 stride 2, five residual blocks of 128, two nearest-neighbour upsampling
 * stages of 64 and 32 (each followed by a 3x3 conv), and a 9x9 conv to 3 channels. The width
 * multiplier scales every hidden channel count.
 *
 * @param width channel multiplier, one of 1.0, 0.5, 0.25
 * @param residualBlocks number of residual blocks (Johnson: 5)
 */
public record Architecture(double width, int residualBlocks) {

  private static final List<Double> WIDTHS = List.of(1.0, 0.5, 0.25);

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
  }

  /** Channel count of a layer that has {@code base} channels in the full network. */
  public int channels(int base) {
    return (int) Math.round(base * width);
  }

  /** Every learnt tensor of the network, in a fixed order, with its shape. */
  public List<ParameterSpec> parameters() {
    int c1 = channels(32);
    int c2 = channels(64);
    int c3 = channels(128);
    List<ParameterSpec> specs = new ArrayList<>();
    convWithNorm(specs, "conv1", 3, c1, 9);
    convWithNorm(specs, "conv2", c1, c2, 3);
    convWithNorm(specs, "conv3", c2, c3, 3);
    for (int i = 1; i <= residualBlocks; i++) {
      convWithNorm(specs, "res" + i + ".conv1", c3, c3, 3);
      convWithNorm(specs, "res" + i + ".conv2", c3, c3, 3);
    }
    convWithNorm(specs, "up1", c3, c2, 3);
    convWithNorm(specs, "up2", c2, c1, 3);
    specs.add(ParameterSpec.convWeight("out.weight", 3, c1, 9));
    specs.add(ParameterSpec.bias("out.bias", 3, c1 * 81));
    return specs;
  }

  private static void convWithNorm(List<ParameterSpec> specs, String name, int in, int out, int k) {
    specs.add(ParameterSpec.convWeight(name + ".weight", out, in, k));
    specs.add(ParameterSpec.bias(name + ".bias", out, in * k * k));
    specs.add(ParameterSpec.normScale(name + ".norm.gamma", out));
    specs.add(ParameterSpec.normShift(name + ".norm.beta", out));
  }

  /** Multiply-accumulate operations for one image of the given size (convolutions only). */
  public long multiplyAccumulates(int height, int width) {
    long total = 0;
    for (ParameterSpec spec : parameters()) {
      if (spec.name().endsWith(".weight")) {
        long[] s = spec.shape();
        int scale = outputScale(spec.name());
        long pixels = (long) (height / scale) * (width / scale);
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

  @Override
  public String toString() {
    return "width " + width + ", " + residualBlocks + " residual blocks";
  }
}
