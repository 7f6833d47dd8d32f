package dev.restyle.engine.network;

import java.util.Arrays;

/**
 * One learnt tensor: its name, shape and how it is initialised.
 *
 * @param name dotted name, e.g. {@code res1.conv2.weight}
 * @param shape tensor shape
 * @param init initialisation rule
 * @param fanIn inputs per output unit, for the uniform bound of PyTorch's default init
 */
public record ParameterSpec(String name, long[] shape, Init init, long fanIn) {

  /** Initialisation rules, as PyTorch's defaults for the corresponding layers. */
  public enum Init {
    /** U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for conv weights and biases. */
    UNIFORM_FAN_IN,
    ONES,
    ZEROS
  }

  static ParameterSpec convWeight(String name, int out, int in, int kernel) {
    return new ParameterSpec(
        name,
        new long[] {out, in, kernel, kernel},
        Init.UNIFORM_FAN_IN,
        (long) in * kernel * kernel);
  }

  /** A depthwise convolution: one {@code kernel x kernel} filter per channel. */
  static ParameterSpec depthwiseWeight(String name, int channels, int kernel) {
    return new ParameterSpec(
        name,
        new long[] {channels, 1, kernel, kernel},
        Init.UNIFORM_FAN_IN,
        (long) kernel * kernel);
  }

  static ParameterSpec bias(String name, int out, long fanIn) {
    return new ParameterSpec(name, new long[] {out}, Init.UNIFORM_FAN_IN, fanIn);
  }

  static ParameterSpec normScale(String name, int channels) {
    return new ParameterSpec(name, new long[] {channels}, Init.ONES, 0);
  }

  static ParameterSpec normShift(String name, int channels) {
    return new ParameterSpec(name, new long[] {channels}, Init.ZEROS, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterSpec p
        && name.equals(p.name)
        && Arrays.equals(shape, p.shape)
        && init == p.init
        && fanIn == p.fanIn;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
