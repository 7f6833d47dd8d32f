package dev.restyle.engine.loss;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A fixed (never trained) network whose activations define the perceptual losses: Gram matrices of
 * its style layers measure style, its content layers measure content.
 */
public interface LossNetwork extends AutoCloseable {

  /** Short name used in configs and cards, e.g. {@code vgg16} or {@code random-pyramid}. */
  String name();

  /**
   * Activations for a batch.
   *
   * @param images (N, 3, H, W) RGB in [0, 255], on this network's device
   * @return activations, owned by the manager of {@code images}
   */
  Features extract(NDArray images);

  @Override
  void close();

  /**
   * Activations of one forward pass.
   *
   * @param style layers whose Gram matrices define style, each (N, C, H, W)
   * @param content layers compared directly for content, each (N, C, H, W)
   */
  record Features(List<NDArray> style, List<NDArray> content) {}
}
