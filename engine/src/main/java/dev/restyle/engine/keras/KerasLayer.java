package dev.restyle.engine.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One layer of a Keras model's topology, as TensorFlow.js saves it.
 *
 * @param name unique layer name ({@code conv2d_1}); its weights are {@code NAME/kernel}, ...
 * @param className the Keras class ({@code Conv2D}, {@code BatchNormalization}, ...)
 * @param config the layer's Keras config (kernel size, strides, padding, ...)
 * @param inputs names of the layers whose outputs it takes, in order (empty for an input layer)
 */
public record KerasLayer(String name, String className, JsonNode config, List<String> inputs) {
  public KerasLayer {
    inputs = List.copyOf(inputs);
  }

  /** An integer pair from the config: {@code [a, b]}, or one integer for both. */
  int[] pair(String key) {
    JsonNode node = config.path(key);
    if (node.isInt()) {
      return new int[] {node.asInt(), node.asInt()};
    }
    if (!node.isArray() || node.size() != 2) {
      throw new IllegalArgumentException(
          "layer " + name + " (" + className + ") has no two-number '" + key + "'");
    }
    return new int[] {node.get(0).asInt(), node.get(1).asInt()};
  }

  /** A text field of the config, or {@code fallback} when absent. */
  String text(String key, String fallback) {
    JsonNode node = config.path(key);
    return node.isTextual() ? node.asText() : fallback;
  }
}
