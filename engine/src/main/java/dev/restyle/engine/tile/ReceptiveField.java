package dev.restyle.engine.tile;

import dev.restyle.engine.network.Architecture;

/**
 * How far a style network's output pixel sees into its input: with the normalisation statistics
 * fixed, the network is a local operator, and a tile's output is exact wherever the tile extends at
 * least this far beyond it.
 */
public final class ReceptiveField {
  private ReceptiveField() {}

  /**
   * The receptive field's radius in input pixels: each convolution's reach at the resolution it
   * runs at, plus a pixel of slack for every resampling stage (strides, nearest-neighbour
   * upsampling, the downscale and its bilinear way back).
   */
  public static int radius(Architecture a) {
    int edge = (a.edgeKernel() - 1) / 2;
    int base =
        edge // conv1, full resolution
            + 1 // conv2, 3x3 stride 2
            + 2 // conv3, 3x3 stride 2 at half resolution
            + 2 * a.residualBlocks() * 4 // 3x3 convolutions at quarter resolution
            + 2 // up1, 3x3 at half resolution
            + 1 // up2, 3x3 at full resolution
            + edge // out
            + 4
            + 2; // stride and nearest-neighbour alignment
    return a.downscale() * (base + 2);
  }

  /** The radius rounded up to a multiple of the network's side multiple (the default overlap). */
  public static int margin(Architecture a) {
    int multiple = a.sideMultiple();
    return (radius(a) + multiple - 1) / multiple * multiple;
  }
}
