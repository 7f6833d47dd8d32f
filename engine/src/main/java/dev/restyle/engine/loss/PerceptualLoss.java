package dev.restyle.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.nn.Ops;
import java.util.ArrayList;
import java.util.List;

/**
 * The losses of Gatys et al. 2016 and Johnson et al. 2016: feature reconstruction (content), Gram
 * matrices (style) and total variation, computed through a {@link LossNetwork}.
 *
 * <p>Style is matched per layer by one of three {@link StyleLoss}es. {@link StyleLoss#GRAM}: the
 * channel means and the Gram matrix of the centred features (their covariance); random filters
 * respond with large positive means after the ReLU, and a plain Gram matrix is dominated by the
 * outer product of those means, so centring lets the loss see the texture. {@link
 * StyleLoss#SLICED_WASSERSTEIN}: the whole distribution of the features along random directions
 * (see {@link SlicedWasserstein}). {@link StyleLoss#MRF}: the sliced Wasserstein terms, plus a
 * nearest-neighbour match of the coarser half of the layers (see {@link NearestFeatures}), divided
 * by the same energies. Every layer's style error is divided by the energy of its target, and every
 * content error by the mean square of the content's features: each layer then weighs the same
 * whatever its scale, and the weights in {@link LossWeights} carry over between styles and loss
 * networks.
 */
public final class PerceptualLoss implements AutoCloseable {
  /** Smallest normaliser of a style layer, as a share of the largest layer's. */
  static final float NORMALISER_FLOOR = 1e-3f;

  /** Seed of the sliced Wasserstein directions. */
  private static final long SLICE_SEED = 20210219L;

  private final LossNetwork network;
  private final LossWeights weights;
  private final StyleLoss styleLoss;
  private final SlicedWasserstein sliced;

  /** With {@link StyleLoss#MRF}: nearest-neighbour matching of the layers from {@link #mrfFrom}. */
  private final NearestFeatures nearest;

  private final int mrfFrom;
  private long draws;
  private final NDManager manager;
  private final List<NDArray> styleGrams = new ArrayList<>();
  private final List<NDArray> styleEnergy = new ArrayList<>();
  private final List<NDArray> styleMeans = new ArrayList<>();
  private final List<NDArray> styleMeanEnergy = new ArrayList<>();

  /**
   * @param network the loss network
   * @param style the style image (1, 3, H, W) in [0, 255]
   * @param weights term weights
   * @param styleLoss how style layers are compared
   */
  public PerceptualLoss(
      LossNetwork network, NDArray style, LossWeights weights, StyleLoss styleLoss) {
    this(network, style, weights, styleLoss, 0);
  }

  /**
   * As {@link #PerceptualLoss(LossNetwork, NDArray, LossWeights, StyleLoss)}, with {@code slices}
   * random directions per layer and draw for the sliced Wasserstein loss (0: one per channel).
   * Fewer directions cost less per step (sorting dominates) for a noisier estimate of the same
   * distance: what training, which draws new directions every step, can afford.
   */
  public PerceptualLoss(
      LossNetwork network, NDArray style, LossWeights weights, StyleLoss styleLoss, int slices) {
    this.network = network;
    this.weights = weights;
    this.styleLoss = styleLoss;
    this.manager = style.getManager().newSubManager();
    try (NDManager scope = style.getManager().newSubManager()) {
      NDArray input = style.duplicate();
      input.attach(scope);
      List<NDArray> features = network.extract(input).style();
      mrfFrom = features.size() / 2;
      nearest =
          styleLoss == StyleLoss.MRF
              ? new NearestFeatures(features.subList(mrfFrom, features.size()), manager)
              : null;
      if (!styleLoss.isGram()) {
        sliced = new SlicedWasserstein(features, manager, SLICE_SEED, slices);
        for (int i = 0; i < features.size(); i++) {
          styleEnergy.add(sliced.energy(i));
        }
        floorAtShareOfLargest(styleEnergy);
        return;
      }
      sliced = null;
      for (NDArray feature : features) {
        NDArray mean = channelMeans(feature);
        NDArray gram = gram(centred(feature, mean));
        NDArray energy = gram.square().sum();
        NDArray meanEnergy = mean.square().sum();
        for (NDArray a : List.of(gram, energy, mean, meanEnergy)) {
          a.attach(manager);
        }
        styleGrams.add(gram);
        styleEnergy.add(energy);
        styleMeans.add(mean);
        styleMeanEnergy.add(meanEnergy);
      }
    }
    floorAtShareOfLargest(styleEnergy);
    floorAtShareOfLargest(styleMeanEnergy);
  }

  /** The features the Gram matrix is taken of: centred for {@link StyleLoss#GRAM}, else as is. */
  private NDArray centred(NDArray feature, NDArray mean) {
    return styleLoss == StyleLoss.GRAM ? feature.sub(mean.expandDims(2).expandDims(3)) : feature;
  }

  /**
   * Raises every normaliser to at least {@link #NORMALISER_FLOOR} of the largest: a style image
   * that is flat at some scale (a poster, or a small image whose coarse pyramid levels are uniform)
   * would otherwise divide that layer's error by almost zero and drown every other term.
   */
  private static void floorAtShareOfLargest(List<NDArray> normalisers) {
    float largest = 0;
    for (NDArray n : normalisers) {
      largest = Math.max(largest, n.getFloat());
    }
    float floor = Math.max(largest * NORMALISER_FLOOR, 1e-8f);
    normalisers.replaceAll(
        n -> {
          NDArray floored = n.maximum(floor);
          floored.attach(n.getManager());
          return floored;
        });
  }

  /** Loss terms of a batch, each a scalar owned by the manager of {@code output}. */
  public record Terms(NDArray content, NDArray style, NDArray totalVariation, NDArray total) {}

  /**
   * Computes the loss of {@code output} against {@code content}, with the next draw of random
   * directions (sliced Wasserstein).
   *
   * @param output generated images (N, 3, H, W) in [0, 255]
   * @param contentFeatures {@link #contentTargets} of the content images
   */
  public Terms compute(NDArray output, List<NDArray> contentFeatures) {
    return compute(output, contentFeatures, draws++);
  }

  /**
   * As {@link #compute(NDArray, List)}, with the random directions of draw number {@code draw}: a
   * training step passes its step number, so a resumed run sees the same directions.
   */
  public Terms compute(NDArray output, List<NDArray> contentFeatures, long draw) {
    LossNetwork.Features features = network.extract(output);
    if (features.style().size() != styleEnergy.size()) {
      // A pyramid loss network stops at levels that get too small, so small images have fewer
      // style layers than the style image.
      throw new IllegalArgumentException(
          "images of %dx%d are too small for the %s loss network: they give %d style layers, the"
                  .formatted(
                      output.getShape().get(3),
                      output.getShape().get(2),
                      network.name(),
                      features.style().size())
              + " style image "
              + styleEnergy.size()
              + "; use larger images or a smaller style image");
    }
    NDArray content = output.getManager().zeros(new Shape());
    for (int i = 0; i < contentFeatures.size(); i++) {
      NDArray target = contentFeatures.get(i);
      NDArray error = features.content().get(i).sub(target).square().mean();
      content = content.add(error.div(target.square().mean().add(1e-8f)));
    }
    NDArray style = output.getManager().zeros(new Shape());
    for (int i = 0; sliced != null && i < styleEnergy.size(); i++) {
      NDArray distance = sliced.distance(i, features.style().get(i), draw);
      style = style.add(distance.div(styleEnergy.get(i)));
    }
    for (int i = mrfFrom; nearest != null && i < styleEnergy.size(); i++) {
      NDArray distance = nearest.distance(i - mrfFrom, features.style().get(i));
      style = style.add(distance.div(styleEnergy.get(i)));
    }
    for (int i = 0; i < styleGrams.size(); i++) {
      NDArray feature = features.style().get(i);
      NDArray mean = channelMeans(feature);
      NDArray gram = gram(centred(feature, mean));
      NDArray error = gram.sub(styleGrams.get(i)).square().sum(new int[] {1, 2}).mean();
      style = style.add(error.div(styleEnergy.get(i)));
      if (styleLoss == StyleLoss.GRAM) {
        NDArray meanError = mean.sub(styleMeans.get(i)).square().sum(new int[] {1}).mean();
        style = style.add(meanError.div(styleMeanEnergy.get(i)));
      }
    }
    content = Ops.dividedBy(content, Math.max(1, contentFeatures.size()));
    style = Ops.dividedBy(style, styleEnergy.size());
    NDArray tv = totalVariation(output);
    NDArray total =
        Ops.times(content, (float) weights.content())
            .add(Ops.times(style, (float) weights.style()))
            .add(Ops.times(tv, (float) weights.totalVariation()));
    return new Terms(content, style, tv, total);
  }

  /** Content features of a batch of content images, detached from any graph. */
  public List<NDArray> contentTargets(NDArray contentImages) {
    List<NDArray> out = new ArrayList<>();
    for (NDArray f : network.extract(contentImages).content()) {
      out.add(f.stopGradient());
    }
    return out;
  }

  /** Per-channel means (N, C) of features (N, C, H, W). */
  static NDArray channelMeans(NDArray features) {
    Shape s = features.getShape();
    return features.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).mean(new int[] {2});
  }

  /** Gram matrices (N, C, C) of features (N, C, H, W), divided by C*H*W. */
  public static NDArray gram(NDArray features) {
    long n = features.getShape().get(0);
    long c = features.getShape().get(1);
    long hw = features.getShape().get(2) * features.getShape().get(3);
    NDArray f = features.reshape(n, c, hw);
    return Ops.dividedBy(f.matMul(f.transpose(0, 2, 1)), (float) (c * hw));
  }

  /** Mean squared difference of neighbouring pixels, in units of the [0, 1] range. */
  public static NDArray totalVariation(NDArray images) {
    NDArray dy = images.get(":, :, 1:, :").sub(images.get(":, :, :-1, :")).square().mean();
    NDArray dx = images.get(":, :, :, 1:").sub(images.get(":, :, :, :-1")).square().mean();
    return Ops.dividedBy(dy.add(dx), 255f * 255f);
  }

  public LossNetwork network() {
    return network;
  }

  public StyleLoss styleLoss() {
    return styleLoss;
  }

  @Override
  public void close() {
    manager.close();
  }
}
