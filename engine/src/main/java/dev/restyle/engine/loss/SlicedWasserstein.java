package dev.restyle.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.nn.Ops;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sliced Wasserstein distances between the feature distributions of generated images and those of
 * one style image, layer by layer (Heitz et al. 2021). Each call projects the features of a layer
 * on random unit directions (as many as it has channels, or a fixed number of slices), sorts each
 * projection over the pixels and compares the sorted values with the style's sorted projections:
 * the squared 1D Wasserstein distance of every projected marginal. The directions are a pure
 * function of the seed, the layer and a draw number, so a training step always sees the same ones
 * and a resumed run repeats them.
 *
 * <p>The style's projections are resampled to the generated image's pixel count by nearest
 * quantile, so the style image need not be the size of the crops.
 */
final class SlicedWasserstein implements AutoCloseable {
  private final NDManager manager;
  private final List<NDArray> targets = new ArrayList<>();
  private final long seed;
  private final int slices;
  private final Map<List<Long>, NDArray> quantiles = new HashMap<>();

  /**
   * @param styleFeatures the style image's features per layer, (1, C, H, W)
   * @param seed seed of the random directions
   * @param slices directions per layer and draw; 0: as many as the layer has channels
   */
  SlicedWasserstein(List<NDArray> styleFeatures, NDManager parent, long seed, int slices) {
    if (slices < 0) {
      throw new IllegalArgumentException("slices must be 0 (one per channel) or more");
    }
    this.manager = parent.newSubManager();
    this.seed = seed;
    this.slices = slices;
    for (NDArray f : styleFeatures) {
      Shape s = f.getShape();
      NDArray flat = f.reshape(s.get(1), s.get(2) * s.get(3)).stopGradient();
      flat.attach(manager);
      targets.add(flat);
    }
  }

  /** Mean variance of a layer's style features per channel: the scale of {@link #distance}. */
  NDArray energy(int layer) {
    NDArray t = targets.get(layer);
    NDArray energy = t.sub(t.mean(new int[] {1}, true)).square().mean();
    energy.attach(manager);
    return energy;
  }

  /**
   * Mean squared difference of sorted projections between {@code features} (N, C, H, W) and the
   * style's features of {@code layer}, averaged over images, directions and pixels.
   */
  NDArray distance(int layer, NDArray features, long draw) {
    Shape s = features.getShape();
    long channels = s.get(1);
    long pixels = s.get(2) * s.get(3);
    NDManager scope = features.getManager();
    int count = slices == 0 ? (int) channels : slices;
    NDArray directions = directions(scope, count, (int) channels, layer, draw);
    NDArray generated = directions.matMul(features.reshape(s.get(0), channels, pixels)).sort(2);
    NDArray style = directions.matMul(targets.get(layer)).sort(1);
    if (style.getShape().get(1) != pixels) {
      style = style.gather(quantiles(layer, count, style.getShape().get(1), pixels), 1);
    }
    return generated.sub(style).square().mean();
  }

  /**
   * {@code count} unit directions in C dimensions, (count, C), from the seed, the layer and the
   * draw; fewer directions are the first rows of more.
   */
  private NDArray directions(NDManager scope, int count, int channels, int layer, long draw) {
    SplittableRandom random = new SplittableRandom(seed ^ (draw * 0x9E3779B97F4A7C15L) + layer);
    float[] d = new float[count * channels];
    for (int row = 0; row < count; row++) {
      double norm = 0;
      for (int col = 0; col < channels; col++) {
        double g = RandomNormal.next(random);
        d[row * channels + col] = (float) g;
        norm += g * g;
      }
      float inverse = (float) (1 / Math.sqrt(norm));
      for (int col = 0; col < channels; col++) {
        d[row * channels + col] *= inverse;
      }
    }
    return Ops.owned(scope, d, new Shape(count, channels));
  }

  /**
   * Indices (C, length) of the nearest quantiles of {@code from} sorted values, made once per layer
   * and size (training crops all have one size).
   */
  private NDArray quantiles(int layer, long rows, long from, long length) {
    return quantiles.computeIfAbsent(
        List.of((long) layer, rows, length), k -> quantiles(manager, rows, from, length));
  }

  private static NDArray quantiles(NDManager scope, long channels, long from, long length) {
    long[] index = new long[Math.toIntExact(channels * length)];
    for (int j = 0; j < length; j++) {
      long q = length == 1 ? from / 2 : Math.round((double) j * (from - 1) / (length - 1));
      for (int c = 0; c < channels; c++) {
        index[(int) (c * length + j)] = q;
      }
    }
    NDArray wrapped = scope.create(index, new Shape(channels, length));
    NDArray owned = wrapped.duplicate();
    wrapped.close();
    return owned;
  }

  @Override
  public void close() {
    manager.close();
  }
}
