package dev.restyle.engine.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.restyle.engine.network.Normalisation;
import dev.restyle.engine.nn.Ops;

/**
 * Normalises each layer with the per-channel moments of one region pooled over every image of the
 * batch, and records those moments in a {@link StatisticsAccumulator}. Given windows cut from one
 * image, each with its core at the same place, it normalises them all as if their cores were one
 * image: the statistics of every layer are then those of the cores as the network would see them
 * inside a whole image (with the whole image as the one window, this is instance normalisation).
 * The region leaves out each window's margin, where features see the window's edge instead of the
 * image around it.
 */
public final class StatisticsRecorder implements Normalisation {
  private final StatisticsAccumulator accumulator;
  private final ImageStatistics known;
  private final long inputWidth;
  private final long inputHeight;
  private final Region region;

  /**
   * @param accumulator where the moments go
   * @param known statistics of layers already known (of the whole image): those layers are
   *     normalised with them and not recorded; may be empty
   * @param inputWidth width of the network's input (the window)
   * @param inputHeight height of the network's input
   * @param region the part of each window whose features count, in input pixels; its edges must be
   *     multiples of the network's {@code sideMultiple()}, so that they fall on whole feature
   *     pixels at every layer
   */
  public StatisticsRecorder(
      StatisticsAccumulator accumulator,
      ImageStatistics known,
      long inputWidth,
      long inputHeight,
      Region region) {
    if (region.right() > inputWidth || region.bottom() > inputHeight) {
      throw new IllegalArgumentException(
          "region " + region + " is not inside a " + inputWidth + "x" + inputHeight + " input");
    }
    this.accumulator = accumulator;
    this.known = known;
    this.inputWidth = inputWidth;
    this.inputHeight = inputHeight;
    this.region = region;
  }

  @Override
  public NDArray normalise(String layer, NDArray x, NDArray gamma, NDArray beta) {
    if (known.has(layer)) {
      return new GivenStatistics(known).normalise(layer, x, gamma, beta);
    }
    long n = x.getShape().get(0);
    long height = x.getShape().get(2);
    long width = x.getShape().get(3);
    long scaleX = inputWidth / width;
    long scaleY = inputHeight / height;
    long x0 = region.x() / scaleX;
    long x1 = Math.max(x0 + 1, region.right() / scaleX);
    long y0 = region.y() / scaleY;
    long y1 = Math.max(y0 + 1, region.bottom() / scaleY);
    NDArray crop = x.get(new NDIndex(":, :, {}:{}, {}:{}", y0, y1, x0, x1));
    NDArray[] moments = Ops.channelMoments(crop);
    crop.close();
    accumulator.add(
        layer, moments[0].toFloatArray(), moments[1].toFloatArray(), n * (y1 - y0) * (x1 - x0));
    NDArray out = Ops.normalise(x, moments[0], moments[1], gamma, beta);
    moments[0].close();
    moments[1].close();
    return out;
  }
}
