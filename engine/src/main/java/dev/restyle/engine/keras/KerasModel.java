package dev.restyle.engine.keras;

import dev.restyle.engine.network.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Keras functional model: its layers in topological order and its weights by name ({@code
 * conv2d_1/kernel}, in Keras's layouts: convolution kernels HWIO, dense kernels (in, out)).
 *
 * @param layers every layer, each after the layers it reads
 * @param weights every weight, dequantised to float32
 */
public record KerasModel(List<KerasLayer> layers, Map<String, Tensor> weights) {
  public KerasModel {
    layers = List.copyOf(layers);
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    Set<String> seen = new LinkedHashSet<>();
    for (KerasLayer layer : layers) {
      for (String input : layer.inputs()) {
        if (!seen.contains(input)) {
          throw new IllegalArgumentException(
              "layer " + layer.name() + " reads '" + input + "', which does not come before it");
        }
      }
      if (!seen.add(layer.name())) {
        throw new IllegalArgumentException("two layers are named " + layer.name());
      }
    }
  }

  /** The layer called {@code name}. */
  public KerasLayer layer(String name) {
    return layers.stream()
        .filter(l -> l.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the model has no layer '" + name + "'"));
  }

  /**
   * The part of the model that computes {@code outputs}: those layers and every layer they read,
   * directly or not, with their weights; nothing else.
   */
  public KerasModel upTo(List<String> outputs) {
    Map<String, KerasLayer> byName = new HashMap<>();
    layers.forEach(l -> byName.put(l.name(), l));
    Set<String> needed = new LinkedHashSet<>();
    List<String> pending = new ArrayList<>(outputs);
    while (!pending.isEmpty()) {
      String name = pending.remove(pending.size() - 1);
      KerasLayer layer = byName.get(name);
      if (layer == null) {
        throw new IllegalArgumentException("the model has no layer '" + name + "'");
      }
      if (needed.add(name)) {
        pending.addAll(layer.inputs());
      }
    }
    List<KerasLayer> kept = layers.stream().filter(l -> needed.contains(l.name())).toList();
    Map<String, Tensor> keptWeights = new LinkedHashMap<>();
    weights.forEach(
        (key, tensor) -> {
          if (needed.contains(layerOf(key))) {
            keptWeights.put(key, tensor);
          }
        });
    return new KerasModel(kept, keptWeights);
  }

  /** A weight's tensor: {@code layer/kind}, e.g. {@code conv2d_1/kernel}. */
  Tensor weight(KerasLayer layer, String kind) {
    Tensor tensor = weights.get(layer.name() + "/" + kind);
    if (tensor == null) {
      throw new IllegalArgumentException(
          "layer " + layer.name() + " (" + layer.className() + ") has no weight '" + kind + "'");
    }
    return tensor;
  }

  /** Whether {@code layer} has the weight {@code kind}. */
  boolean hasWeight(KerasLayer layer, String kind) {
    return weights.containsKey(layer.name() + "/" + kind);
  }

  /** The layer a weight name belongs to: what precedes its last '/'. */
  static String layerOf(String weightName) {
    int slash = weightName.lastIndexOf('/');
    return slash < 0 ? weightName : weightName.substring(0, slash);
  }
}
