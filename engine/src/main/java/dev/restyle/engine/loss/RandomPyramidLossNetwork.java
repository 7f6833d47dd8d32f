package dev.restyle.engine.loss;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.nn.Ops;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A loss network that needs no download: fixed random filters (He-normal, from a seed) applied to
 * every level of an image pyramid, in the spirit of Ustyuzhaninov et al. 2017, "What does it take
 * to generate natural textures?".
 *
 * <p>Single random layers on the full-resolution image carry colours and fine strokes but not a
 * style's larger structures, and large filters are expensive. Running small filters over a pyramid
 * gives each level a receptive field twice the previous one's for a quarter of the cost: at level 4
 * a 5x5 filter (after a 3x3 one) spans about 100 pixels of the original image.
 *
 * <p>A coarse level of the image pyramid has lost the fine strokes: it sees blurred colour, not how
 * the strokes are laid out (Starry Night's swirls are fine strokes arranged in large curves). With
 * {@link RandomPyramidSpec#cascade} (the {@code random-cascade} loss network) every level from 1 on
 * also reads the previous level's rectified features, blurred and halved, as the stages of VGG do:
 * the stroke responses of the fine levels pass up, and the coarse levels measure their arrangement.
 */
public final class RandomPyramidLossNetwork implements LossNetwork {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  private final RandomPyramidSpec spec;
  private final NDManager manager;

  /** Per kernel size, the layers (weights) used at the fine levels: a single layer. */
  private final List<List<NDArray>> branches = new ArrayList<>();

  /** Per kernel size, the deeper stack used from {@code deepFromLevel} on. */
  private final List<List<NDArray>> deepBranches = new ArrayList<>();

  /**
   * With {@link RandomPyramidSpec#cascade}: per kernel size, the layers used from level 1 on, whose
   * first layer reads the image level and the previous level's features.
   */
  private final List<List<NDArray>> cascadeBranches = new ArrayList<>();

  private final List<List<NDArray>> cascadeDeepBranches = new ArrayList<>();

  /** Structure-only content branch: zero-mean 3x3 filters (blind to flat colour), then a 3x3. */
  private final List<NDArray> contentBranch = new ArrayList<>();

  private final NDArray mean;
  private final NDArray std;

  public RandomPyramidLossNetwork(RandomPyramidSpec spec, Device device) {
    this.spec = spec;
    this.manager = NDManager.newBaseManager(device);
    SplittableRandom random = new SplittableRandom(spec.seed());
    addBranches(random, 3, branches, deepBranches);
    contentBranch.add(zeroMean(heNormal(random, spec.maps(), 3, 3)));
    contentBranch.add(heNormal(random, spec.maps(), spec.maps(), 3));
    if (spec.cascade()) {
      // Drawn after the plain filters, so those stay what they are without the cascade.
      addBranches(random, 3 + spec.maps(), cascadeBranches, cascadeDeepBranches);
    }
    this.mean = manager.create(MEAN, new Shape(1, 3, 1, 1)).mul(255f);
    this.std = manager.create(STD, new Shape(1, 3, 1, 1)).mul(255f);
  }

  /** The offline default. */
  public static RandomPyramidLossNetwork standard(Device device) {
    return new RandomPyramidLossNetwork(RandomPyramidSpec.DEFAULT, device);
  }

  /**
   * Per kernel size, a single layer into {@code single} and a stack of {@code depth} layers into
   * {@code deep} (the same layer when the depth is 1), reading {@code inputs} channels.
   */
  private void addBranches(
      SplittableRandom random, int inputs, List<List<NDArray>> single, List<List<NDArray>> deep) {
    for (int kernel : spec.kernels()) {
      single.add(branch(random, kernel, 1, inputs));
      deep.add(spec.depth() > 1 ? branch(random, kernel, spec.depth(), inputs) : single.getLast());
    }
  }

  private List<NDArray> branch(SplittableRandom random, int kernel, int depth, int inputs) {
    List<NDArray> layers = new ArrayList<>();
    int in = inputs;
    for (int d = 0; d < depth; d++) {
      layers.add(heNormal(random, spec.maps(), in, d == depth - 1 ? kernel : 3));
      in = spec.maps();
    }
    return layers;
  }

  private NDArray heNormal(SplittableRandom random, int out, int in, int k) {
    float[] w = new float[out * in * k * k];
    double sd = Math.sqrt(2.0 / (in * k * k));
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (RandomNormal.next(random) * sd);
    }
    return manager.create(FloatBuffer.wrap(w), new Shape(out, in, k, k));
  }

  /** Subtracts from every filter plane its spatial mean, so flat regions give no response. */
  private static NDArray zeroMean(NDArray weight) {
    return weight.sub(weight.mean(new int[] {3}, true).mean(new int[] {2}, true));
  }

  public RandomPyramidSpec spec() {
    return spec;
  }

  @Override
  public String name() {
    return spec.cascade() ? LossNetworks.RANDOM_CASCADE : LossNetworks.RANDOM_PYRAMID;
  }

  @Override
  public Features extract(NDArray images) {
    NDArray level = images.sub(mean).div(std);
    List<NDArray> style = new ArrayList<>();
    List<NDArray> content = new ArrayList<>();
    NDArray previous = null;
    for (int l = 0; l < spec.levels(); l++) {
      if (l > 0) {
        if (level.getShape().get(2) < 8 || level.getShape().get(3) < 8) {
          break;
        }
        level = Ops.gaussianHalve(level);
      }
      boolean deep = l >= spec.deepFromLevel();
      boolean cascading = spec.cascade() && l > 0;
      NDArray input = cascading ? level.concat(Ops.gaussianHalve(previous), 1) : level;
      List<List<NDArray>> stacks =
          cascading
              ? (deep ? cascadeDeepBranches : cascadeBranches)
              : (deep ? deepBranches : branches);
      List<NDArray> outputs = new ArrayList<>();
      for (List<NDArray> layers : stacks) {
        NDArray x = input;
        for (NDArray weight : layers) {
          x = Ops.relu(Ops.reflectConv(x, weight, null, 1));
        }
        outputs.add(x);
      }
      style.addAll(outputs);
      // The first (smallest-kernel) branch carries on to the next level: all of them would
      // double the cost of the next level's convolutions.
      previous = outputs.getFirst();
      if (l == spec.contentLevel()) {
        NDArray x = level;
        for (NDArray weight : contentBranch) {
          x = Ops.relu(Ops.reflectConv(x, weight, null, 1));
        }
        content.add(x);
      }
    }
    return new Features(style, content);
  }

  @Override
  public void close() {
    manager.close();
  }
}
