package dev.restyle.engine.network;

import ai.djl.ndarray.NDArray;
import dev.restyle.engine.nn.Ops;

/**
 * Where a {@link StyleNetwork}'s normalisation layers take their statistics from. The network as
 * trained uses {@link #INSTANCE}: each image's own mean and variance per channel. Tiled stylisation
 * supplies the statistics of the whole image instead, so that every tile is normalised alike (see
 * {@code dev.restyle.engine.tile}).
 */
@FunctionalInterface
public interface Normalisation {
  /** Instance normalisation: each image's own statistics (the network as trained). */
  Normalisation INSTANCE = (layer, x, gamma, beta) -> Ops.instanceNorm(x, gamma, beta);

  /**
   * Normalises one layer's convolution output, then scales and shifts it.
   *
   * @param layer the layer's name ({@code conv1}, {@code res2.conv1}, {@code up1}, ...), the prefix
   *     of its parameters
   * @param x (N, C, H, W), which the caller frees
   * @param gamma learnt scale, (C)
   * @param beta learnt shift, (C)
   * @return a new array of the same shape, on {@code x}'s manager
   */
  NDArray normalise(String layer, NDArray x, NDArray gamma, NDArray beta);
}
