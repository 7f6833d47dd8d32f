package dev.restyle.engine.loss;

/**
 * Weights of the perceptual loss terms. Content and style terms are normalised (each layer's error
 * is divided by the energy of its target), so these weights mean the same thing for every loss
 * network and every style image.
 *
 * @param content weight of the feature reconstruction (content) loss
 * @param style weight of the Gram-matrix (style) loss
 * @param totalVariation weight of the total-variation smoothness loss
 */
public record LossWeights(double content, double style, double totalVariation) {
  public LossWeights {
    if (content < 0 || style < 0 || totalVariation < 0) {
      throw new IllegalArgumentException("loss weights must not be negative");
    }
    if (content + style == 0) {
      throw new IllegalArgumentException("content and style weights cannot both be zero");
    }
  }
}
