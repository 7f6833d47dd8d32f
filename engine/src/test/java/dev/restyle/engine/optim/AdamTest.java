package dev.restyle.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.restyle.engine.network.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdamTest {
  private static final float[] TARGET = {3, -1, 0.5f};

  private NDManager manager;

  @BeforeEach
  void openManager() {
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @Test
  void minimisesAScalarQuadratic() {
    NDArray x = parameter(0f);
    try (Adam adam = new Adam(manager, 0.1)) {
      for (int i = 0; i < 300; i++) {
        descend(adam, Map.of("x", x), manager.create(new float[] {3f}));
      }
      assertEquals(300, adam.steps());
    }
    assertEquals(3f, x.getFloat(0), 0.02f);
  }

  @Test
  void firstStepMovesEveryCoordinateByTheLearningRate() {
    // With bias correction, Adam's first update is lr * sign(gradient), whatever its size.
    NDArray x = parameter(0f, 0f, 0f);
    try (Adam adam = new Adam(manager, 0.01)) {
      descend(adam, Map.of("x", x), manager.create(new float[] {100f, -0.001f, 5f}));
    }
    assertArrayEquals(new float[] {0.01f, -0.01f, 0.01f}, x.toFloatArray(), 2e-4f);
  }

  @Test
  void stepZeroesTheGradients() {
    NDArray x = parameter(1f, 2f, 3f);
    try (Adam adam = new Adam(manager, 0.01)) {
      descend(adam, Map.of("x", x), manager.create(TARGET));
    }
    assertArrayEquals(new float[] {0, 0, 0}, x.getGradient().toFloatArray());
  }

  @Test
  void restoredStateContinuesExactlyLikeAnUninterruptedRun() {
    NDArray target = manager.create(TARGET);
    float[] uninterrupted = run(parameter(0f, 0f, 0f), target, 20);

    // Ten steps, then everything goes to heap tensors as in a checkpoint...
    NDArray first = parameter(0f, 0f, 0f);
    Map<String, Tensor> state;
    long steps;
    try (Adam adam = new Adam(manager, 0.05)) {
      for (int i = 0; i < 10; i++) {
        descend(adam, Map.of("x", first), target);
      }
      state = adam.state();
      steps = adam.steps();
    }
    assertEquals(10, steps);
    assertEquals(Map.of("adam.m.x", 3L, "adam.v.x", 3L), lengths(state));
    state.keySet().forEach(k -> assertTrue(Adam.isStateKey(k), k));
    assertFalse(Adam.isStateKey("x"));
    Tensor saved = Tensor.of(first);

    // ... and a fresh optimiser and parameter continue from them.
    NDArray resumed = saved.toNDArray(manager);
    resumed.setRequiresGradient(true);
    try (Adam adam = new Adam(manager, 0.05)) {
      adam.restore(state, steps);
      for (int i = 0; i < 10; i++) {
        descend(adam, Map.of("x", resumed), target);
      }
      assertEquals(20, adam.steps());
    }
    assertArrayEquals(uninterrupted, resumed.toFloatArray());
  }

  @Test
  void restartingWithoutStateDiffers() {
    // The counterpart of the test above: dropping the moments does change the result, so that
    // test can tell a restored optimiser from a fresh one.
    NDArray target = manager.create(TARGET);
    float[] uninterrupted = run(parameter(0f, 0f, 0f), target, 20);
    NDArray x = parameter(run(parameter(0f, 0f, 0f), target, 10));
    float[] restarted = run(x, target, 10);
    assertFalse(Arrays.equals(uninterrupted, restarted));
  }

  @Test
  void learningRateMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new Adam(manager, 0));
    assertThrows(IllegalArgumentException.class, () -> new Adam(manager, Double.NaN));
  }

  /** {@code steps} updates of a fresh Adam (lr 0.05) on {@code x}; returns the final values. */
  private float[] run(NDArray x, NDArray target, int steps) {
    try (Adam adam = new Adam(manager, 0.05)) {
      for (int i = 0; i < steps; i++) {
        descend(adam, Map.of("x", x), target);
      }
    }
    return x.toFloatArray();
  }

  /** One step on sum((x - target)^2). */
  private void descend(Adam adam, Map<String, NDArray> parameters, NDArray target) {
    NDArray x = parameters.get("x");
    try (NDManager step = manager.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray view = x.get(":");
      view.attach(step);
      collector.backward(view.sub(target).square().sum());
    }
    adam.step(parameters);
  }

  private NDArray parameter(float... values) {
    NDArray x = manager.create(values);
    x.setRequiresGradient(true);
    return x;
  }

  private static Map<String, Long> lengths(Map<String, Tensor> state) {
    return state.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue().data().length));
  }
}
