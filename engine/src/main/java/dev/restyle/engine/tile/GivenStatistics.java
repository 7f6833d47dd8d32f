package dev.restyle.engine.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.network.Normalisation;
import dev.restyle.engine.nn.Ops;

/**
 * Normalises every layer with statistics given beforehand (those of the whole image) instead of the
 * input's own: a tile is then normalised exactly as it would be inside the whole image.
 */
public final class GivenStatistics implements Normalisation {
  private final ImageStatistics statistics;

  public GivenStatistics(ImageStatistics statistics) {
    this.statistics = statistics;
  }

  public ImageStatistics statistics() {
    return statistics;
  }

  @Override
  public NDArray normalise(String layer, NDArray x, NDArray gamma, NDArray beta) {
    LayerStatistics s = statistics.layer(layer);
    long channels = x.getShape().get(1);
    if (s.channels() != channels) {
      throw new IllegalStateException(
          "layer " + layer + " has " + channels + " channels, statistics for " + s.channels());
    }
    NDManager scope = x.getManager();
    NDArray mean = Ops.owned(scope, s.mean(), new Shape(channels));
    NDArray variance = Ops.owned(scope, s.variance(), new Shape(channels));
    NDArray out = Ops.normalise(x, mean, variance, gamma, beta);
    mean.close();
    variance.close();
    return out;
  }
}
