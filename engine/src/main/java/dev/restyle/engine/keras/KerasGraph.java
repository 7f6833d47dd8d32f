package dev.restyle.engine.keras;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a Keras functional model on DJL, forward and backward: a small interpreter of its graph that
 * computes only the layers the requested outputs need.
 *
 * <p>Arrays are NCHW (the model's NHWC kernels are transposed once, here). A batch normalisation
 * that only reads a convolution is folded into that convolution's kernel and bias, so each
 * Inception branch costs one native convolution call. During {@link #forward} every intermediate is
 * freed as soon as the last layer that reads it has run (autograd keeps what the backward pass
 * needs).
 */
public final class KerasGraph implements AutoCloseable {
  /** One step of the computation: a layer (or a folded pair) and the names of its inputs. */
  private record Node(String name, List<String> inputs, LayerOps.Op op) {}

  private final NDManager manager;
  private final String input;
  private final List<String> outputs;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Integer> readers = new HashMap<>();

  /**
   * The model as it was trained.
   *
   * @see #KerasGraph(KerasModel, List, Device, boolean)
   */
  public KerasGraph(KerasModel model, List<String> outputs, Device device) {
    this(model, outputs, device, false);
  }

  /**
   * @param model the model
   * @param outputs the layers whose outputs {@link #forward} returns, in this order
   * @param device where the weights live
   * @param blurPool run every strided convolution and pooling at stride 1, then blur and subsample
   *     ({@link LayerOps#create}): the same sizes and weights, without aliasing
   * @throws IllegalArgumentException if a layer is unknown, or its weights do not fit it
   */
  public KerasGraph(KerasModel model, List<String> outputs, Device device, boolean blurPool) {
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("name at least one output layer");
    }
    KerasModel needed = model.upTo(outputs);
    this.outputs = List.copyOf(outputs);
    List<KerasLayer> inputs =
        needed.layers().stream().filter(l -> l.className().equals("InputLayer")).toList();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(
          "the outputs " + outputs + " depend on " + inputs.size() + " input layers, not one");
    }
    this.input = inputs.get(0).name();
    Map<String, Integer> consumers = new HashMap<>();
    needed.layers().forEach(l -> l.inputs().forEach(i -> consumers.merge(i, 1, Integer::sum)));
    Set<String> folded = new HashSet<>();
    this.manager = NDManager.newBaseManager(device);
    try {
      for (KerasLayer layer : needed.layers()) {
        if (layer == inputs.get(0) || folded.contains(layer.name())) {
          continue;
        }
        if (layer.className().equals("BatchNormalization") && layer.inputs().size() == 1) {
          KerasLayer source = needed.layer(layer.inputs().get(0));
          if (LayerOps.foldable(source)
              && consumers.get(source.name()) == 1
              && !outputs.contains(source.name())) {
            removeNode(source.name());
            nodes.add(
                new Node(
                    layer.name(),
                    source.inputs(),
                    LayerOps.convWithNorm(source, layer, needed, manager, blurPool)));
            continue;
          }
        }
        if (layer.className().equals("InputLayer")) {
          throw new IllegalArgumentException("a second input layer: " + layer.name());
        }
        nodes.add(
            new Node(
                layer.name(), layer.inputs(), LayerOps.create(layer, needed, manager, blurPool)));
      }
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    for (Node node : nodes) {
      node.inputs().forEach(i -> readers.merge(i, 1, Integer::sum));
    }
  }

  /** Drops the node computed for a convolution that a normalisation is about to absorb. */
  private void removeNode(String name) {
    nodes.removeIf(n -> n.name().equals(name));
  }

  /** The output layers, in the order {@link #forward} returns them. */
  public List<String> outputs() {
    return outputs;
  }

  /**
   * Runs the graph.
   *
   * @param images (N, C, H, W) on this graph's device, already scaled as the model expects
   * @return the output layers' arrays by name, in {@link #outputs()} order, owned by the manager of
   *     {@code images}
   */
  public Map<String, NDArray> forward(NDArray images) {
    Map<String, NDArray> values = new HashMap<>();
    Map<String, Integer> pending = new HashMap<>(readers);
    values.put(input, images);
    for (Node node : nodes) {
      List<NDArray> args = new ArrayList<>(node.inputs().size());
      for (String name : node.inputs()) {
        args.add(values.get(name));
      }
      NDArray out;
      try {
        out = node.op().apply(args);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "layer " + node.name() + " failed on " + shapes(args) + ": " + e.getMessage(), e);
      }
      values.put(node.name(), out);
      for (String name : node.inputs()) {
        if (pending.merge(name, -1, Integer::sum) == 0
            && !name.equals(input)
            && !outputs.contains(name)) {
          values.remove(name).close();
        }
      }
    }
    Map<String, NDArray> result = new LinkedHashMap<>();
    for (String name : outputs) {
      result.put(name, values.get(name));
    }
    return result;
  }

  private static List<String> shapes(List<NDArray> arrays) {
    return arrays.stream().map(a -> a.getShape().toString()).toList();
  }

  @Override
  public void close() {
    manager.close();
  }
}
