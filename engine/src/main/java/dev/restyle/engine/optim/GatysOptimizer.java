package dev.restyle.engine.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossWeights;
import dev.restyle.engine.loss.PerceptualLoss;
import dev.restyle.engine.loss.StyleLoss;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimisation method of Gatys et al. 2016: starting from the content image, the pixels
 * themselves are optimised (Adam) to minimise content, style and total-variation losses. Slow, but
 * it takes any style image with no training: restyle's quality reference.
 */
public final class GatysOptimizer {

  /**
   * @param iterations optimisation steps
   * @param learningRate Adam step size, in pixel units of [0, 255]
   * @param weights loss weights
   * @param styleLoss how style is compared
   */
  public record Settings(
      int iterations, double learningRate, LossWeights weights, StyleLoss styleLoss) {
    public Settings {
      if (iterations < 1) {
        throw new IllegalArgumentException("iterations must be positive, got " + iterations);
      }
      if (!(learningRate > 0)) {
        throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
      }
    }
  }

  private final LossNetwork network;

  public GatysOptimizer(LossNetwork network) {
    this.network = network;
  }

  /** Returns the content image repainted in the style of {@code style}. */
  public BufferedImage run(
      BufferedImage content, BufferedImage style, Settings settings, Progress progress) {
    Engine engine = Engine.getInstance();
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray contentTensor = ImageTensors.toTensor(content, manager).expandDims(0);
      NDArray styleTensor = ImageTensors.toTensor(style, manager).expandDims(0);
      try (PerceptualLoss loss =
              new PerceptualLoss(network, styleTensor, settings.weights(), settings.styleLoss());
          Adam adam = new Adam(manager, settings.learningRate())) {
        List<NDArray> targets = loss.contentTargets(contentTensor);
        NDArray pixels = contentTensor.duplicate();
        pixels.setRequiresGradient(true);
        Map<String, NDArray> parameters = Map.of("pixels", pixels);
        for (int i = 1; i <= settings.iterations(); i++) {
          Map<String, Double> values = new LinkedHashMap<>();
          try (NDManager step = manager.newSubManager();
              GradientCollector collector = engine.newGradientCollector()) {
            PerceptualLoss.Terms terms = loss.compute(pixelsOn(step, pixels), targets, i);
            collector.backward(terms.total());
            values.put("loss", (double) terms.total().getFloat());
            values.put("content", (double) terms.content().getFloat());
            values.put("style", (double) terms.style().getFloat());
          }
          adam.step(parameters);
          try (NDManager clamp = manager.newSubManager()) {
            NDArray excess = pixels.clip(0, 255).sub(pixels);
            excess.attach(clamp);
            pixels.addi(excess);
          }
          progress.update(i, settings.iterations(), values);
        }
        return ImageTensors.toImage(pixels.get(0));
      }
    }
  }

  /** A view of the optimised pixels owned by the step's manager, so the graph dies with it. */
  private static NDArray pixelsOn(NDManager step, NDArray pixels) {
    NDArray view = pixels.get(":");
    view.attach(step);
    return view;
  }
}
