package dev.restyle.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.restyle.engine.loss.PerceptualLoss;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.nn.Ops;
import java.util.List;
import java.util.Random;

/** The loss of one training step: computes it on a batch and back-propagates it. */
sealed interface StepLoss {

  /**
   * The step's loss terms. In a distillation run {@code content} is the feature distance to the
   * teacher's output and {@code pixel} the pixel distance; in the usual training {@code pixel} is
   * NaN.
   */
  record Values(
      double total, double content, double style, double tv, double pixel, double temporal) {}

  /**
   * The stability term: the network run again on its crops moved by 0 to one side multiple of
   * pixels down and right and given light Gaussian noise (synthetic camera motion and sensor
   * noise), against its output on the unmoved crops, moved alike: the mean squared difference over
   * the shared area, on the [0, 1] scale, times {@code weight}. Both runs are differentiated, so
   * the network learns to answer alike to alike frames (Gupta et al. 2017, "Characterizing and
   * improving stability in neural style transfer").
   *
   * @param weight 0: off
   * @param noise standard deviation of the noise, on the [0, 255] scale
   * @param seed with the step, picks the motion and the noise, so a resumed run draws the same
   */
  record Stability(double weight, double noise, long seed) {
    /** Light noise: about what a webcam adds frame to frame. */
    static final double DEFAULT_NOISE = 4;

    Stability(double weight, long seed) {
      this(weight, DEFAULT_NOISE, seed);
    }

    boolean on() {
      return weight > 0;
    }

    /**
     * The weighted term for crops {@code batch} on which {@code network} gave {@code output}; on
     * {@code batch}'s manager.
     */
    NDArray term(StyleNetwork network, NDArray batch, NDArray output, long step) {
      Random random = new Random(seed * 7_919L + step);
      int range = network.architecture().sideMultiple();
      int dy = random.nextInt(range + 1);
      int dx = random.nextInt(range + 1);
      Shape s = batch.getShape();
      long h = s.get(2) - range;
      long w = s.get(3) - range;
      String moved = ":, :, %d:%d, %d:%d".formatted(dy, dy + h, dx, dx + w);
      NDArray frame = batch.get(moved);
      if (noise > 0) {
        float[] values = new float[Math.toIntExact(frame.getShape().size())];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (random.nextGaussian() * noise);
        }
        frame = frame.add(Ops.owned(batch.getManager(), values, frame.getShape()));
      }
      NDArray difference = network.forward(frame).sub(output.get(moved));
      return Ops.times(Ops.dividedBy(difference.square().mean(), 255f * 255f), (float) weight);
    }
  }

  /**
   * Runs {@code network} on {@code batch}, computes the loss and accumulates its gradient into the
   * network's parameters.
   *
   * @param batch crops (N, 3, H, W) in [0, 255]; intermediates go to its manager
   * @param step the training step (it pins the loss's random directions, see {@link
   *     PerceptualLoss#compute(NDArray, List, long)})
   */
  Values backward(StyleNetwork network, NDArray batch, long step);

  /**
   * The usual perceptual loss: content against the crops, style against the style image.
   *
   * @param jitter the loss network sees output and crops both cut by the same random offset of 0 to
   *     {@code jitter - 1} pixels (0: never; see {@link TrainConfig#jitter()})
   * @param seed with the step, picks the offset, so a resumed run draws the same
   */
  record Perceptual(PerceptualLoss loss, int jitter, Stability stability, long seed)
      implements StepLoss {
    @Override
    public Values backward(StyleNetwork network, NDArray batch, long step) {
      Random random = new Random(seed * 1_000_003L + step);
      int dy = jitter > 0 ? random.nextInt(jitter) : 0;
      int dx = jitter > 0 ? random.nextInt(jitter) : 0;
      List<NDArray> targets = loss.contentTargets(shifted(batch, dy, dx));
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray whole = network.forward(batch);
        PerceptualLoss.Terms terms = loss.compute(shifted(whole, dy, dx), targets, step);
        NDArray total = terms.total();
        NDArray temporal = stability.on() ? stability.term(network, batch, whole, step) : null;
        if (temporal != null) {
          total = total.add(temporal);
        }
        collector.backward(total);
        return new Values(
            total.getFloat(),
            terms.content().getFloat(),
            terms.style().getFloat(),
            terms.totalVariation().getFloat(),
            Double.NaN,
            temporal == null ? Double.NaN : temporal.getFloat());
      }
    }

    /** Images (N, C, H, W) without {@code dy} rows on top and {@code jitter - dy} below, alike. */
    private NDArray shifted(NDArray images, int dy, int dx) {
      if (jitter == 0) {
        return images;
      }
      long h = images.getShape().get(2) - jitter;
      long w = images.getShape().get(3) - jitter;
      return images.get(":, :, %d:%d, %d:%d".formatted(dy, dy + h, dx, dx + w));
    }
  }

  /** Distillation (see {@link Distillation}): reproduce the teacher's output on the same crops. */
  record Distilled(
      PerceptualLoss loss, StyleNetwork teacher, Distillation weights, Stability stability)
      implements StepLoss {
    @Override
    public Values backward(StyleNetwork network, NDArray batch, long step) {
      // The teacher runs outside the collector: nothing of it is recorded or differentiated. Its
      // output is clamped as it is when shown: values out of range are not worth reproducing.
      NDArray target = teacher.forward(batch).clip(0, 255).stopGradient();
      List<NDArray> targetFeatures = loss.contentTargets(target);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray output = network.forward(batch);
        // The content term of the perceptual loss with the teacher's output as the content is
        // the normalised content-layer distance to it.
        PerceptualLoss.Terms terms = loss.compute(output, targetFeatures, step);
        NDArray pixel = Ops.dividedBy(output.sub(target).square().mean(), 255f * 255f);
        NDArray total =
            Ops.times(pixel, (float) weights.pixelWeight())
                .add(Ops.times(terms.content(), (float) weights.featureWeight()));
        if (weights.styleWeight() > 0) {
          total = total.add(Ops.times(terms.style(), (float) weights.styleWeight()));
        }
        NDArray temporal = stability.on() ? stability.term(network, batch, output, step) : null;
        if (temporal != null) {
          total = total.add(temporal);
        }
        collector.backward(total);
        return new Values(
            total.getFloat(),
            terms.content().getFloat(),
            terms.style().getFloat(),
            terms.totalVariation().getFloat(),
            pixel.getFloat(),
            temporal == null ? Double.NaN : temporal.getFloat());
      }
    }
  }
}
