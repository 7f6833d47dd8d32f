package dev.restyle.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
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
  record Values(double total, double content, double style, double tv, double pixel) {}

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
  record Perceptual(PerceptualLoss loss, int jitter, long seed) implements StepLoss {
    @Override
    public Values backward(StyleNetwork network, NDArray batch, long step) {
      Random random = new Random(seed * 1_000_003L + step);
      int dy = jitter > 0 ? random.nextInt(jitter) : 0;
      int dx = jitter > 0 ? random.nextInt(jitter) : 0;
      List<NDArray> targets = loss.contentTargets(shifted(batch, dy, dx));
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray output = shifted(network.forward(batch), dy, dx);
        PerceptualLoss.Terms terms = loss.compute(output, targets, step);
        collector.backward(terms.total());
        return new Values(
            terms.total().getFloat(),
            terms.content().getFloat(),
            terms.style().getFloat(),
            terms.totalVariation().getFloat(),
            Double.NaN);
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
  record Distilled(PerceptualLoss loss, StyleNetwork teacher, Distillation weights)
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
        collector.backward(total);
        return new Values(
            total.getFloat(),
            terms.content().getFloat(),
            terms.style().getFloat(),
            terms.totalVariation().getFloat(),
            pixel.getFloat());
      }
    }
  }
}
