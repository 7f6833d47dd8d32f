package dev.restyle.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.restyle.engine.TestImages;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.optim.GatysOptimizer;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PerceptualLossTest {
  private static final RandomPyramidSpec SMALL =
      new RandomPyramidSpec(3, new int[] {3}, 8, 2, 1, 1, 1, false);
  private static final LossWeights WEIGHTS = new LossWeights(1, 10, 1);

  private static final StyleLoss SW = StyleLoss.SLICED_WASSERSTEIN;

  private static RandomPyramidLossNetwork network;
  private NDManager manager;

  @BeforeAll
  static void createNetwork() {
    network = new RandomPyramidLossNetwork(SMALL, Engine.getInstance().defaultDevice());
  }

  @AfterAll
  static void closeNetwork() {
    network.close();
  }

  @BeforeEach
  void openManager() {
    manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @ParameterizedTest
  @EnumSource(StyleLoss.class)
  void styleLossOfTheStyleImageIsZero(StyleLoss kind) {
    NDArray style = tensor(TestImages.stripes(32, 32, 6));
    try (PerceptualLoss loss = new PerceptualLoss(network, style, WEIGHTS, kind)) {
      PerceptualLoss.Terms terms = loss.compute(style, loss.contentTargets(style));
      assertEquals(0, terms.style().getFloat(), 1e-6);
      assertEquals(0, terms.content().getFloat(), 1e-9);
    }
  }

  @ParameterizedTest
  @EnumSource(StyleLoss.class)
  void styleLossOfAnotherImageIsPositive(StyleLoss kind) {
    NDArray style = tensor(TestImages.stripes(32, 32, 6));
    NDArray photo = tensor(TestImages.photo(32, 32, 1));
    try (PerceptualLoss loss = new PerceptualLoss(network, style, WEIGHTS, kind)) {
      PerceptualLoss.Terms terms = loss.compute(photo, loss.contentTargets(photo));
      assertTrue(terms.style().getFloat() > 1e-2, "style loss " + terms.style().getFloat());
      assertEquals(0, terms.content().getFloat(), 1e-9, "content against itself");
      float total =
          terms.content().getFloat() * 1
              + terms.style().getFloat() * 10
              + terms.totalVariation().getFloat() * 1;
      assertEquals(total, terms.total().getFloat(), 1e-4 * total, "weighted sum of the terms");
    }
  }

  @ParameterizedTest
  @EnumSource(StyleLoss.class)
  void aStyleFlatAtCoarseScalesDoesNotDrownTheOtherTerms(StyleLoss kind) {
    // 6-pixel stripes on 48 pixels are uniform after a few Gaussian halvings: without a floor on
    // the per-layer normalisers those layers divided by ~0 and the style loss reached ~1e5.
    NDArray style = tensor(TestImages.stripes(48, 48, 6));
    NDArray photo = tensor(TestImages.photo(48, 48, 4));
    try (RandomPyramidLossNetwork fiveLevels =
            new RandomPyramidLossNetwork(RandomPyramidSpec.DEFAULT, manager.getDevice());
        PerceptualLoss loss = new PerceptualLoss(fiveLevels, style, WEIGHTS, kind)) {
      float styleLoss = loss.compute(photo, loss.contentTargets(photo)).style().getFloat();
      assertTrue(styleLoss > 1e-2 && styleLoss < 1e3, "style loss " + styleLoss);
    }
  }

  @ParameterizedTest
  @EnumSource(StyleLoss.class)
  void contentLossGrowsWithTheDifference(StyleLoss kind) {
    NDArray style = tensor(TestImages.stripes(32, 32, 6));
    NDArray photo = tensor(TestImages.photo(32, 32, 2));
    try (PerceptualLoss loss = new PerceptualLoss(network, style, WEIGHTS, kind)) {
      List<NDArray> targets = loss.contentTargets(photo);
      NDArray towardsStyle = style.sub(photo);
      float near = loss.compute(photo.add(towardsStyle.mul(0.1f)), targets).content().getFloat();
      float far = loss.compute(photo.add(towardsStyle.mul(0.8f)), targets).content().getFloat();
      assertTrue(near > 0, "content loss of a changed image " + near);
      assertTrue(far > near, "larger changes cost more: " + near + " vs " + far);
    }
  }

  @ParameterizedTest
  @EnumSource(StyleLoss.class)
  void styleIsComparedPerImageOfABatch(StyleLoss kind) {
    NDArray style = tensor(TestImages.stripes(32, 32, 6));
    NDArray photo = tensor(TestImages.photo(32, 32, 3));
    try (PerceptualLoss loss = new PerceptualLoss(network, style, WEIGHTS, kind)) {
      float alone = loss.compute(photo, loss.contentTargets(photo), 7).style().getFloat();
      NDArray pair = style.concat(photo, 0);
      float mixed = loss.compute(pair, loss.contentTargets(pair), 7).style().getFloat();
      assertEquals(alone / 2, mixed, 1e-3 * alone, "the batch mean of per-image style losses");
    }
  }

  @Test
  void slicedWassersteinComparesStylesOfAnotherSizeByQuantiles() {
    // The same texture at twice the size has the same feature distribution: a small loss, much
    // smaller than another texture's.
    NDArray style = tensor(TestImages.stripes(32, 32, 4));
    try (PerceptualLoss loss = new PerceptualLoss(network, style, WEIGHTS, SW)) {
      NDArray same = tensor(TestImages.stripes(64, 64, 4));
      NDArray other = tensor(TestImages.photo(64, 64, 5));
      float near = loss.compute(same, loss.contentTargets(same), 0).style().getFloat();
      float far = loss.compute(other, loss.contentTargets(other), 0).style().getFloat();
      assertTrue(near < 0.2f * far, "same texture " + near + ", another " + far);
    }
  }

  @Test
  void slicedWassersteinDirectionsArePinnedByTheDrawNumber() {
    NDArray style = tensor(TestImages.stripes(32, 32, 6));
    NDArray photo = tensor(TestImages.photo(32, 32, 1));
    try (PerceptualLoss loss = new PerceptualLoss(network, style, WEIGHTS, SW)) {
      List<NDArray> targets = loss.contentTargets(photo);
      float first = loss.compute(photo, targets, 3).style().getFloat();
      assertEquals(first, loss.compute(photo, targets, 3).style().getFloat(), 0f, "same draw");
      assertNotEquals(first, loss.compute(photo, targets, 4).style().getFloat(), "next draw");
    }
  }

  /** A loss network whose only layer is the image itself. */
  private static final LossNetwork PIXELS =
      new LossNetwork() {
        @Override
        public String name() {
          return "pixels";
        }

        @Override
        public Features extract(NDArray images) {
          return new Features(List.of(images), List.of(images));
        }

        @Override
        public void close() {}
      };

  @Test
  void oneSlicePerChannelIsWhatZeroSlicesMean() {
    NDArray style = tensor(TestImages.stripes(24, 24, 4));
    NDArray photo = tensor(TestImages.photo(24, 24, 2));
    try (PerceptualLoss all = new PerceptualLoss(PIXELS, style, WEIGHTS, SW, 0);
        PerceptualLoss three = new PerceptualLoss(PIXELS, style, WEIGHTS, SW, 3)) {
      List<NDArray> targets = all.contentTargets(photo);
      for (long draw = 0; draw < 3; draw++) {
        assertEquals(
            all.compute(photo, targets, draw).style().getFloat(),
            three.compute(photo, targets, draw).style().getFloat(),
            0f,
            "draw " + draw);
      }
    }
  }

  @Test
  void fewerSlicesEstimateTheSameDistance() {
    // Averaged over many draws, one direction per step measures what three per step do: the
    // directions are drawn from the same distribution, only fewer at a time.
    NDArray style = tensor(TestImages.stripes(24, 24, 4));
    NDArray photo = tensor(TestImages.photo(24, 24, 2));
    try (PerceptualLoss all = new PerceptualLoss(PIXELS, style, WEIGHTS, SW, 0);
        PerceptualLoss one = new PerceptualLoss(PIXELS, style, WEIGHTS, SW, 1)) {
      List<NDArray> targets = all.contentTargets(photo);
      double sumAll = 0;
      double sumOne = 0;
      double smallest = Double.MAX_VALUE;
      double largest = 0;
      int draws = 400;
      for (long draw = 0; draw < draws; draw++) {
        sumAll += all.compute(photo, targets, draw).style().getFloat();
        float single = one.compute(photo, targets, draw).style().getFloat();
        sumOne += single;
        smallest = Math.min(smallest, single);
        largest = Math.max(largest, single);
      }
      assertEquals(sumAll / draws, sumOne / draws, 0.1 * sumAll / draws);
      assertTrue(largest > 2 * smallest, "single directions differ: " + smallest + ".." + largest);
    }
  }

  @Test
  void slicedWassersteinSeesWhatMeansAndCovariancesMiss() {
    // Uniform noise and Gaussian noise of the same mean and variance per channel: alike for Gram
    // matrices (second order), different distributions for sliced Wasserstein. Seeded: unseeded
    // draws made the margin below vary from run to run.
    Engine.getInstance().setRandomSeed(20211219);
    NDArray uniform = manager.randomUniform(0, 255, new Shape(1, 3, 48, 48));
    float sd = 255f / (float) Math.sqrt(12);
    NDArray gaussian = manager.randomNormal(127.5f, sd, new Shape(1, 3, 48, 48), DataType.FLOAT32);
    try (PerceptualLoss gram = new PerceptualLoss(PIXELS, uniform, WEIGHTS, StyleLoss.GRAM);
        PerceptualLoss sliced = new PerceptualLoss(PIXELS, uniform, WEIGHTS, SW)) {
      float g = gram.compute(gaussian, gram.contentTargets(gaussian), 0).style().getFloat();
      float w = sliced.compute(gaussian, sliced.contentTargets(gaussian), 0).style().getFloat();
      assertTrue(g < 0.02f, "Gram loss of same-moment noise " + g);
      assertTrue(w > 5 * g, "sliced Wasserstein " + w + " vs Gram " + g);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void slicedWassersteinGradientMatchesFiniteDifferences(int slices) {
    // A batch of two images of another size than the style: the path training takes. Sorting makes
    // the loss piecewise quadratic, so nudging one pixel can swap two sorted values and bend a
    // one-coordinate difference quotient (that made an earlier version of this test flaky). The
    // derivative along the gradient of one whole image moves every pixel a little, is large, and is
    // insensitive to the few swaps; it must equal the gradient's norm. One image at a time checks
    // that each image of the batch gets its own gradient.
    SplittableRandom random = new SplittableRandom(20261125);
    NDArray style = tensor(TestImages.stripes(24, 24, 4));
    NDArray x = manager.create(uniform(random, 2 * 3 * 16 * 16, 255), new Shape(2, 3, 16, 16));
    try (PerceptualLoss loss =
        new PerceptualLoss(PIXELS, style, new LossWeights(0, 1, 0), SW, slices)) {
      List<NDArray> targets = loss.contentTargets(x);
      x.setRequiresGradient(true);
      float[] gradient;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(loss.compute(x, targets, 5).total());
        gradient = x.getGradient().toFloatArray();
      }
      float[] values = x.toFloatArray();
      int perImage = values.length / 2;
      for (int image = 0; image < 2; image++) {
        float[] direction = new float[values.length];
        double norm = 0;
        for (int i = image * perImage; i < (image + 1) * perImage; i++) {
          direction[i] = gradient[i];
          norm += direction[i] * direction[i];
        }
        double analytic = 0;
        float[] plus = values.clone();
        float[] minus = values.clone();
        float h = 2f;
        for (int i = 0; i < values.length; i++) {
          direction[i] /= (float) Math.sqrt(norm);
          analytic += direction[i] * gradient[i];
          plus[i] += h * direction[i];
          minus[i] -= h * direction[i];
        }
        float up = loss.compute(manager.create(plus, x.getShape()), targets, 5).total().getFloat();
        float down =
            loss.compute(manager.create(minus, x.getShape()), targets, 5).total().getFloat();
        double numeric = (up - down) / (2.0 * h);
        assertTrue(analytic > 1e-7, "gradient of image " + image + " is " + analytic);
        assertEquals(numeric, analytic, 0.02 * analytic, "image " + image);
      }
    }
  }

  private static float[] uniform(SplittableRandom random, int count, float max) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextDouble() * max);
    }
    return values;
  }

  @Test
  void totalVariationOfAConstantImageIsZero() {
    assertEquals(
        0, PerceptualLoss.totalVariation(manager.full(new Shape(1, 3, 8, 8), 90f)).getFloat());
    NDArray checker = tensor(TestImages.stripes(8, 8, 1));
    assertTrue(PerceptualLoss.totalVariation(checker).getFloat() > 0.1f);
  }

  @Test
  void gramMatrixIsSymmetricAndNormalised() {
    NDArray features = manager.randomNormal(new Shape(2, 4, 5, 3));
    NDArray gram = PerceptualLoss.gram(features);
    assertEquals(new Shape(2, 4, 4), gram.getShape());
    assertTrue(gram.sub(gram.transpose(0, 2, 1)).abs().max().getFloat() < 1e-6f, "symmetric");
    float diagonal = features.get(1, 2).square().sum().getFloat() / (4 * 5 * 3);
    assertEquals(diagonal, gram.getFloat(1, 2, 2), 1e-5);
  }

  @ParameterizedTest
  @EnumSource(StyleLoss.class)
  void gatysOptimizerLowersTheLoss(StyleLoss kind) {
    BufferedImage content = TestImages.photo(32, 32, 4);
    BufferedImage style = TestImages.stripes(32, 32, 5);
    List<Double> losses = new ArrayList<>();
    GatysOptimizer.Settings settings = new GatysOptimizer.Settings(15, 4, WEIGHTS, kind);
    BufferedImage result =
        new GatysOptimizer(network)
            .run(
                content,
                style,
                settings,
                (step, total, values) -> {
                  assertEquals(losses.size() + 1, step);
                  assertEquals(15, total);
                  losses.add(values.get("loss"));
                });
    assertEquals(15, losses.size());
    assertTrue(losses.stream().allMatch(Double::isFinite), "finite losses " + losses);
    assertTrue(losses.get(14) < 0.7 * losses.get(0), "loss fell by at least 30%: " + losses);
    assertEquals(32, result.getWidth());
    assertEquals(32, result.getHeight());
  }

  @Test
  void pyramidStopsBeforeLevelsGetTooSmall() {
    try (RandomPyramidLossNetwork deep =
        new RandomPyramidLossNetwork(
            new RandomPyramidSpec(6, new int[] {3, 5}, 4, 1, 6, 0, 3, false), Device.cpu())) {
      LossNetwork.Features f = deep.extract(manager.randomUniform(0, 255, new Shape(1, 3, 20, 36)));
      // Levels of 20, 10 and 5 rows: a level under 8 pixels is not halved again.
      List<Long> heights = f.style().stream().map(a -> a.getShape().get(2)).toList();
      assertEquals(List.of(20L, 20L, 10L, 10L, 5L, 5L), heights);
      assertFalse(f.content().isEmpty(), "content features");
      for (NDArray c : f.content()) {
        assertEquals(20, c.getShape().get(2), "content features come from level 0");
      }
    }
  }

  @Test
  void sameSeedSameFeatures() {
    NDArray image = tensor(TestImages.photo(16, 16, 5));
    try (RandomPyramidLossNetwork twin =
        new RandomPyramidLossNetwork(SMALL, Engine.getInstance().defaultDevice())) {
      NDArray a = network.extract(image).style().get(0);
      NDArray b = twin.extract(image).style().get(0);
      assertEquals(0, a.sub(b).abs().max().getFloat());
    }
  }

  private NDArray tensor(BufferedImage image) {
    return ImageTensors.toTensor(image, manager).expandDims(0);
  }
}
