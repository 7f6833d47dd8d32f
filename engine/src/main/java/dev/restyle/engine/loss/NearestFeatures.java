package dev.restyle.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Nearest-neighbour feature matching (the MRF loss of Li and Wand 2016, "Combining Markov Random
 * Fields and Convolutional Neural Networks for Image Synthesis"): every pixel of a generated
 * image's feature map is paired with the style image's pixel whose feature vector points the most
 * the same way (cosine similarity), and the squared distance to it is the loss.
 *
 * <p>Statistics (Gram matrices, sliced Wasserstein) are matched by any image with the style's
 * strokes in the right proportions, however they are arranged. A coarse feature pixel of the loss
 * network sees a patch of tens of pixels, so asking every such patch to look like some patch of the
 * style image asks for the style's shapes themselves (a pane with its lead outline, a swirl), not
 * only their statistics. With the random loss networks it did not get them: the README's item 9
 * shows what it did. The pairing is recomputed at every call and carries no gradient; the distance
 * does.
 */
final class NearestFeatures implements AutoCloseable {
  private final NDManager manager;

  /** Per layer, the style's features (C, M). */
  private final List<NDArray> targets = new ArrayList<>();

  /** Per layer, the style's centred features as unit column vectors (C, M), for the pairing. */
  private final List<NDArray> directions = new ArrayList<>();

  /** Per layer, the style's channel means (C, 1), subtracted before pairing. */
  private final List<NDArray> means = new ArrayList<>();

  /**
   * @param styleFeatures the style image's features of the matched layers, each (1, C, H, W)
   */
  NearestFeatures(List<NDArray> styleFeatures, NDManager parent) {
    this.manager = parent.newSubManager();
    for (NDArray f : styleFeatures) {
      Shape s = f.getShape();
      NDArray flat = f.reshape(s.get(1), s.get(2) * s.get(3)).stopGradient();
      NDArray mean = flat.mean(new int[] {1}, true);
      NDArray unit = unitLength(flat.sub(mean), 0);
      for (NDArray a : List.of(flat, mean, unit)) {
        a.attach(manager);
      }
      targets.add(flat);
      means.add(mean);
      directions.add(unit);
    }
  }

  /**
   * Mean squared distance between every pixel of {@code features} (N, C, H, W) and its nearest
   * style pixel of {@code layer}, averaged over images, channels and pixels.
   */
  NDArray distance(int layer, NDArray features) {
    Shape s = features.getShape();
    long n = s.get(0);
    long channels = s.get(1);
    long pixels = s.get(2) * s.get(3);
    NDArray flat = features.reshape(n, channels, pixels);
    NDArray target = targets.get(layer);
    NDArray nearest;
    try (NDManager scope = features.getManager().newSubManager()) {
      NDArray unit = unitLength(flat.stopGradient().sub(means.get(layer)), 1);
      unit.attach(scope);
      // (N, P, C) x (C, M) -> (N, P, M); the best style pixel for every generated one
      NDArray similarity = unit.transpose(0, 2, 1).matMul(directions.get(layer));
      similarity.attach(scope);
      NDArray index = similarity.argMax(2).expandDims(1);
      index.attach(scope);
      // Results land on the first operand's manager: keep the long-lived targets out of it.
      NDArray style = target.expandDims(0);
      style.attach(scope);
      nearest =
          style
              .broadcast(new Shape(n, channels, target.getShape().get(1)))
              .gather(index.broadcast(new Shape(n, channels, pixels)), 2)
              .stopGradient();
      nearest.attach(features.getManager());
    }
    return flat.sub(nearest).square().mean();
  }

  /** {@code x} with every vector along {@code axis} scaled to unit length. */
  private static NDArray unitLength(NDArray x, int axis) {
    return x.div(x.square().sum(new int[] {axis}, true).sqrt().add(1e-6f));
  }

  @Override
  public void close() {
    manager.close();
  }
}
