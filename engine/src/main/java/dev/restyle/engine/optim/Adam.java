package dev.restyle.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restyle.engine.network.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015) over named parameters, with state that can be saved and restored, so
 * that a resumed training run continues exactly where it stopped.
 */
public final class Adam implements AutoCloseable {
  private static final String FIRST = "adam.m.";
  private static final String SECOND = "adam.v.";

  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final NDManager manager;
  private final Map<String, NDArray> first = new LinkedHashMap<>();
  private final Map<String, NDArray> second = new LinkedHashMap<>();
  private long steps;

  public Adam(NDManager parent, double learningRate) {
    this(parent, learningRate, 0.9, 0.999, 1e-8);
  }

  public Adam(NDManager parent, double learningRate, double beta1, double beta2, double epsilon) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.manager = parent.newSubManager();
  }

  /** Number of updates applied so far. */
  public long steps() {
    return steps;
  }

  /**
   * Applies one update to every parameter that has a gradient, then zeroes the gradients. Call
   * outside a gradient collector.
   */
  public void step(Map<String, NDArray> parameters) {
    steps++;
    double correction1 = 1 - Math.pow(beta1, steps);
    double correction2 = 1 - Math.pow(beta2, steps);
    float stepSize = (float) (learningRate * Math.sqrt(correction2) / correction1);
    try (NDManager scope = manager.newSubManager()) {
      for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
        NDArray param = e.getValue();
        NDArray grad = param.getGradient();
        grad.attach(scope);
        NDArray m = first.computeIfAbsent(e.getKey(), k -> manager.zeros(param.getShape()));
        NDArray v = second.computeIfAbsent(e.getKey(), k -> manager.zeros(param.getShape()));
        m.muli((float) beta1).addi(grad.mul((float) (1 - beta1)));
        v.muli((float) beta2).addi(grad.square().muli((float) (1 - beta2)));
        NDArray denominator = v.sqrt().addi((float) (epsilon * Math.sqrt(correction2)));
        denominator.attach(scope);
        NDArray update = m.div(denominator);
        update.attach(scope);
        param.subi(update.muli(stepSize));
        grad.subi(grad);
      }
    }
  }

  /** Moment estimates and step count, for a checkpoint. */
  public Map<String, Tensor> state() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    first.forEach((k, v) -> out.put(FIRST + k, Tensor.of(v)));
    second.forEach((k, v) -> out.put(SECOND + k, Tensor.of(v)));
    return out;
  }

  /** Restores {@link #state()} saved after {@code steps} updates. */
  public void restore(Map<String, Tensor> state, long steps) {
    this.steps = steps;
    state.forEach(
        (k, t) -> {
          if (k.startsWith(FIRST)) {
            first.put(k.substring(FIRST.length()), t.toNDArray(manager));
          } else if (k.startsWith(SECOND)) {
            second.put(k.substring(SECOND.length()), t.toNDArray(manager));
          }
        });
  }

  /** True for tensor names that belong to the optimiser state. */
  public static boolean isStateKey(String name) {
    return name.startsWith(FIRST) || name.startsWith(SECOND);
  }

  @Override
  public void close() {
    manager.close();
  }
}
