package dev.restyle.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsTest {
  private NDManager manager;

  /** Parameters live on a manager of their own, as in a StyleNetwork. */
  private NDManager parameters;

  @BeforeEach
  void openManagers() {
    manager = NDManager.newBaseManager(Device.cpu());
    parameters = NDManager.newBaseManager(Device.cpu());
  }

  @AfterEach
  void closeManagers() {
    manager.close();
    parameters.close();
  }

  @Test
  void scalarFactorsSurviveTheGarbageCollectorBetweenForwardAndBackward() {
    // DJL's own x.mul(3f) frees the scalar that autograd keeps for backward; once the collector
    // has released and reused its buffer, the gradient is garbage. Ops.times must not be.
    NDArray x = parameters.ones(new Shape(1000));
    x.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray y = Ops.dividedBy(Ops.times(x, 3f), 2f).sum();
      for (int i = 0; i < 64; i++) {
        java.nio.ByteBuffer noise = java.nio.ByteBuffer.allocateDirect(1 << 16);
        while (noise.hasRemaining()) {
          noise.put((byte) 0x7f);
        }
        System.gc();
      }
      collector.backward(y);
    }
    float[] gradient = x.getGradient().toFloatArray();
    for (float g : gradient) {
      assertEquals(1.5f, g, 0f);
    }
  }

  @Test
  void instanceNormWithUnitScaleStandardisesEveryPlane() {
    NDArray x = planesWithDifferentStatistics(2, 3, 8, 8);
    NDArray y = Ops.instanceNorm(x, parameters.ones(new Shape(3)), parameters.zeros(new Shape(3)));
    assertEquals(x.getShape(), y.getShape());
    assertPlaneStatistics(y, new float[] {0, 0, 0}, new float[] {1, 1, 1});
    assertSame(manager, y.getManager(), "the result belongs to the activation's manager");
  }

  @Test
  void instanceNormScalesAndShifts() {
    NDArray x = planesWithDifferentStatistics(2, 3, 8, 8);
    NDArray y =
        Ops.instanceNorm(x, parameters.full(new Shape(3), 2f), parameters.full(new Shape(3), 3f));
    assertPlaneStatistics(y, new float[] {3, 3, 3}, new float[] {4, 4, 4});
  }

  @Test
  void instanceNormAppliesEachChannelsOwnParameters() {
    NDArray x = planesWithDifferentStatistics(3, 3, 6, 5);
    NDArray gamma = parameters.create(new float[] {1, 2, 0.5f});
    NDArray beta = parameters.create(new float[] {0, 3, -1});
    NDArray y = Ops.instanceNorm(x, gamma, beta);
    assertPlaneStatistics(y, new float[] {0, 3, -1}, new float[] {1, 4, 0.25f});
  }

  @Test
  void instanceNormPassesGradientsToItsParameters() {
    NDArray x = planesWithDifferentStatistics(2, 3, 4, 4);
    NDArray gamma = parameters.ones(new Shape(3));
    NDArray beta = parameters.zeros(new Shape(3));
    gamma.setRequiresGradient(true);
    beta.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(Ops.instanceNorm(x, gamma, beta).sum());
    }
    // d(sum)/d(beta) counts the pixels of the channel over the batch; d(sum)/d(gamma) is the sum
    // of the normalised values, which is zero.
    assertArrayEquals(new float[] {32, 32, 32}, beta.getGradient().toFloatArray(), 1e-3f);
    assertArrayEquals(new float[] {0, 0, 0}, gamma.getGradient().toFloatArray(), 1e-3f);
  }

  @Test
  void reflectionPadOfARow() {
    // [1, 2, 3, 4] padded by 2 reflects without repeating the edge, as torch.nn.ReflectionPad2d.
    NDArray rows = manager.create(new float[] {1, 2, 3, 4}).tile(3).reshape(1, 1, 3, 4);
    NDArray padded = Ops.reflectionPad(rows, 2);
    assertEquals(new Shape(1, 1, 7, 8), padded.getShape());
    for (int r = 0; r < 7; r++) {
      assertArrayEquals(
          new float[] {3, 2, 1, 2, 3, 4, 3, 2}, padded.get(0, 0, r).toFloatArray(), "row " + r);
    }
  }

  @Test
  void reflectionPadOfAnImage() {
    int h = 4;
    int w = 5;
    NDArray x = manager.arange((float) (2 * h * w)).reshape(1, 2, h, w);
    int pad = 3;
    float[] padded = Ops.reflectionPad(x, pad).toFloatArray();
    int ph = h + 2 * pad;
    int pw = w + 2 * pad;
    assertEquals(2 * ph * pw, padded.length);
    for (int c = 0; c < 2; c++) {
      for (int r = 0; r < ph; r++) {
        for (int col = 0; col < pw; col++) {
          float expected = c * h * w + reflect(r - pad, h) * w + reflect(col - pad, w);
          assertEquals(
              expected, padded[(c * ph + r) * pw + col], "(" + c + ", " + r + ", " + col + ")");
        }
      }
    }
  }

  @Test
  void replicationPadRepeatsTheEdges() {
    int h = 3;
    int w = 4;
    NDArray x = manager.arange((float) (2 * h * w)).reshape(1, 2, h, w);
    int pad = 2;
    float[] padded = Ops.replicationPad(x, pad).toFloatArray();
    int ph = h + 2 * pad;
    int pw = w + 2 * pad;
    assertEquals(2 * ph * pw, padded.length);
    for (int c = 0; c < 2; c++) {
      for (int r = 0; r < ph; r++) {
        for (int col = 0; col < pw; col++) {
          float expected =
              c * h * w + Math.clamp(r - pad, 0, h - 1) * w + Math.clamp(col - pad, 0, w - 1);
          assertEquals(
              expected, padded[(c * ph + r) * pw + col], "(" + c + ", " + r + ", " + col + ")");
        }
      }
    }
    assertArrayEquals(
        new float[] {0, 0, 1, 2, 3, 3},
        Ops.replicationPadColumns(x, 1).get(0, 0, 0).toFloatArray());
  }

  @Test
  void reflectionPadNeedsALargerInput() {
    NDArray x = manager.zeros(new Shape(1, 1, 3, 8));
    assertThrows(IllegalArgumentException.class, () -> Ops.reflectionPad(x, 3));
    assertSame(x, Ops.reflectionPad(x, 0));
  }

  @Test
  void upsampleNearestRepeatsPixels() {
    NDArray x = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
    assertArrayEquals(
        new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
        Ops.upsampleNearest(x, 2).toFloatArray());
  }

  @Test
  void upsampleNearestKeepsImagesAndChannelsApart() {
    NDArray x = manager.arange(2f * 3 * 2 * 4).reshape(2, 3, 2, 4);
    NDArray y = Ops.upsampleNearest(x, 3);
    assertEquals(new Shape(2, 3, 6, 12), y.getShape());
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 3; c++) {
        for (int r = 0; r < 6; r++) {
          for (int col = 0; col < 12; col++) {
            assertEquals(x.getFloat(n, c, r / 3, col / 3), y.getFloat(n, c, r, col));
          }
        }
      }
    }
  }

  @Test
  void halvingKeepsConstantsAndHalvesTheSize() {
    NDArray x = manager.full(new Shape(2, 3, 16, 12), 7f);
    for (NDArray half : new NDArray[] {Ops.halve(x), Ops.gaussianHalve(x)}) {
      assertEquals(new Shape(2, 3, 8, 6), half.getShape());
      assertEquals(7f, half.min().getFloat(), 1e-5f);
      assertEquals(7f, half.max().getFloat(), 1e-5f);
    }
  }

  @Test
  void reflectConvKeepsTheSizeAtStrideOne() {
    NDArray x = manager.randomUniform(0, 1, new Shape(1, 2, 9, 7));
    NDArray weight = parameters.ones(new Shape(4, 2, 5, 5));
    NDArray bias = parameters.zeros(new Shape(4));
    assertEquals(new Shape(1, 4, 9, 7), Ops.reflectConv(x, weight, bias, 1).getShape());
    assertEquals(new Shape(1, 4, 5, 4), Ops.reflectConv(x, weight, bias, 2).getShape());
  }

  /** Index into a reflected axis of {@code size} elements (no edge repetition). */
  private static int reflect(int i, int size) {
    if (i < 0) {
      return -i;
    }
    return i >= size ? 2 * (size - 1) - i : i;
  }

  /** Random planes, each with its own mean and spread. */
  private NDArray planesWithDifferentStatistics(int n, int c, int h, int w) {
    NDArray noise = manager.randomNormal(new Shape(n, c, h, w));
    NDArray scale = manager.arange(1f, 1f + n * c).reshape(n, c, 1, 1).mul(3f);
    NDArray offset = manager.arange(0f, (float) (n * c)).reshape(n, c, 1, 1).mul(-20f);
    return noise.mul(scale).add(offset);
  }

  /** Checks the mean and (biased) variance of every (image, channel) plane against a channel's. */
  private static void assertPlaneStatistics(NDArray y, float[] mean, float[] variance) {
    Shape s = y.getShape();
    NDArray planes = y.reshape(s.get(0), s.get(1), -1);
    NDArray means = planes.mean(new int[] {2});
    NDArray vars = planes.sub(means.expandDims(2)).square().mean(new int[] {2});
    for (int n = 0; n < s.get(0); n++) {
      for (int c = 0; c < s.get(1); c++) {
        String plane = "image " + n + ", channel " + c;
        assertEquals(mean[c], means.getFloat(n, c), 1e-4, "mean of " + plane);
        assertEquals(variance[c], vars.getFloat(n, c), 2e-3 * variance[c], "variance of " + plane);
      }
    }
  }
}
