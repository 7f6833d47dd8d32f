package dev.restyle.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps bad steps out of the weights. Before each update it measures the global gradient norm: a
 * step whose loss or gradient is not finite is skipped (its gradients zeroed, the weights left as
 * they were), and training stops with the step number once {@link #MAX_BAD_STEPS_IN_A_ROW} steps in
 * a row were bad. A finite gradient above the clip norm is scaled down to it (Pascanu et al. 2013),
 * so one outlier batch cannot throw the weights far.
 */
final class GradientGuard {
  /** Bad steps in a row after which the run is given up. */
  static final int MAX_BAD_STEPS_IN_A_ROW = 5;

  private final double clipNorm;
  private int badInARow;
  private long skipped;
  private long clipped;

  /**
   * @param clipNorm largest global gradient norm let through; 0 disables clipping
   */
  GradientGuard(double clipNorm) {
    if (!(clipNorm >= 0)) {
      throw new IllegalArgumentException("clip norm must be zero or more, got " + clipNorm);
    }
    this.clipNorm = clipNorm;
  }

  /**
   * Decides about one step whose gradients are in {@code parameters}.
   *
   * @param loss the step's loss
   * @return the gradient norm (before clipping) if the step may be applied; NaN if it was skipped
   *     and the gradients zeroed
   * @throws IllegalStateException naming the step, once too many steps in a row were bad
   */
  double check(long step, float loss, Map<String, NDArray> parameters) {
    double norm = globalNorm(parameters);
    if (Float.isFinite(loss) && Double.isFinite(norm)) {
      badInARow = 0;
      if (clipNorm > 0 && norm > clipNorm) {
        float scale = (float) (clipNorm / norm);
        forEachGradient(parameters, g -> g.muli(scale));
        clipped++;
      }
      return norm;
    }
    // NaN - NaN is NaN: the gradients are overwritten, not subtracted from themselves.
    forEachGradient(parameters, g -> g.set(new NDIndex("..."), 0f));
    skipped++;
    badInARow++;
    if (badInARow >= MAX_BAD_STEPS_IN_A_ROW) {
      throw new IllegalStateException(
          ("training diverged at step %d: the loss (%s) or the gradient (norm %s) was not finite"
                  + " for %d steps in a row; lower the learning rate (--lr) or the gradient clip"
                  + " (--clip-gradient)")
              .formatted(step, loss, norm, badInARow));
    }
    return Double.NaN;
  }

  /** Steps skipped so far. */
  long skipped() {
    return skipped;
  }

  /** Steps whose gradient was scaled down so far. */
  long clipped() {
    return clipped;
  }

  /** The L2 norm of all gradients together. */
  static double globalNorm(Map<String, NDArray> parameters) {
    double[] sum = {0};
    forEachGradient(parameters, g -> sum[0] += g.square().sum().getFloat());
    return Math.sqrt(sum[0]);
  }

  /**
   * Runs {@code action} on each parameter's gradient; the handles and whatever the action creates
   * are freed afterwards (the gradients themselves stay with their parameters).
   */
  private static void forEachGradient(Map<String, NDArray> parameters, Consumer<NDArray> action) {
    for (NDArray p : parameters.values()) {
      try (NDManager scope = p.getManager().newSubManager()) {
        NDArray gradient = p.getGradient();
        gradient.attach(scope);
        action.accept(gradient);
      }
    }
  }
}
