package dev.restyle.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GradientGuardTest {
  private NDManager manager;
  private Map<String, NDArray> parameters;

  @BeforeEach
  void createParameters() {
    manager = NDManager.newBaseManager(Device.cpu());
    parameters = new LinkedHashMap<>();
    parameters.put("a", manager.create(new float[] {1, 2}));
    parameters.put("b", manager.create(new float[] {3}));
    parameters.values().forEach(p -> p.setRequiresGradient(true));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** Sets the gradients to {@code a} and {@code b} (the loss is a . p_a + b . p_b). */
  private void gradients(float[] a, float[] b) {
    try (NDManager scope = manager.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.zeroGradients();
      NDArray loss =
          parameters
              .get("a")
              .mul(scope.create(a))
              .sum()
              .add(parameters.get("b").mul(scope.create(b)).sum());
      collector.backward(loss);
    }
  }

  private float[] gradient(String name) {
    return parameters.get(name).getGradient().toFloatArray();
  }

  @Test
  void finiteGradientsPassAndLargeOnesAreClippedToTheNorm() {
    GradientGuard guard = new GradientGuard(2.5);
    gradients(new float[] {1, 2}, new float[] {2});
    assertEquals(3.0, guard.check(1, 1f, parameters), 1e-6, "norm of (1, 2, 2)");
    assertArrayEquals(new float[] {1 * 2.5f / 3, 2 * 2.5f / 3}, gradient("a"), 1e-6f);
    assertArrayEquals(new float[] {2 * 2.5f / 3}, gradient("b"), 1e-6f);
    assertEquals(1, guard.clipped());

    gradients(new float[] {0.5f, 0}, new float[] {0});
    assertEquals(0.5, guard.check(2, 1f, parameters), 1e-6);
    assertArrayEquals(new float[] {0.5f, 0}, gradient("a"), 0f, "small gradients untouched");
    assertEquals(1, guard.clipped());

    GradientGuard off = new GradientGuard(0);
    gradients(new float[] {100, 0}, new float[] {0});
    assertEquals(100, off.check(1, 1f, parameters), 1e-4);
    assertArrayEquals(new float[] {100, 0}, gradient("a"), 0f, "0 disables clipping");
  }

  @Test
  void nonFiniteStepsAreSkippedWithZeroedGradientsUntilTooManyInARow() {
    GradientGuard guard = new GradientGuard(0);
    for (int step = 1; step < GradientGuard.MAX_BAD_STEPS_IN_A_ROW; step++) {
      gradients(new float[] {Float.NaN, 1}, new float[] {Float.POSITIVE_INFINITY});
      assertTrue(Double.isNaN(guard.check(step, 1f, parameters)), "skipped");
      assertArrayEquals(new float[] {0, 0}, gradient("a"), 0f, "zeroed, not NaN - NaN");
      assertArrayEquals(new float[] {0}, gradient("b"), 0f);
    }
    // A good step resets the count; a NaN loss alone is also a bad step.
    gradients(new float[] {1, 1}, new float[] {1});
    assertTrue(Double.isFinite(guard.check(5, 1f, parameters)));
    for (int step = 6; step < 6 + GradientGuard.MAX_BAD_STEPS_IN_A_ROW - 1; step++) {
      gradients(new float[] {1, 1}, new float[] {1});
      assertTrue(Double.isNaN(guard.check(step, Float.NaN, parameters)));
    }
    gradients(new float[] {1, 1}, new float[] {1});
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> guard.check(10, Float.NaN, parameters));
    assertTrue(e.getMessage().contains("training diverged at step 10"), e.getMessage());
    assertTrue(e.getMessage().contains("--lr"), e.getMessage());
    assertEquals(2 * GradientGuard.MAX_BAD_STEPS_IN_A_ROW - 1, guard.skipped());
  }
}
