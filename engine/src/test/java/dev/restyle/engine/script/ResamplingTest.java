package dev.restyle.engine.script;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dev.restyle.engine.nn.Ops;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResamplingTest {

  /** The phase convolution, interleaved, against libtorch's own bilinear upsampling. */
  @ParameterizedTest(name = "by {0}")
  @ValueSource(ints = {2, 4})
  void upsamplesAsLibtorchDoes(int factor) {
    try (NDManager manager = NDManager.newBaseManager()) {
      int h = 7;
      int w = 11;
      NDArray image = manager.randomUniform(-50f, 300f, new Shape(2, 3, h, w));
      NDArray expected = Ops.upsampleBilinear(image, (long) h * factor, (long) w * factor);
      NDArray phases =
          Conv2d.conv2d(
                  Ops.replicationPad(image, 1),
                  Resampling.upsampling(factor, manager),
                  null,
                  new Shape(1, 1),
                  new Shape(0, 0),
                  new Shape(1, 1),
                  3)
              .singletonOrThrow();
      // (N, 3 f^2, h, w) = (N, 3, f, f, h, w) -> (N, 3, h, f, w, f), as pixel_shuffle does
      NDArray actual =
          phases
              .reshape(2, 3, factor, factor, h, w)
              .transpose(0, 1, 4, 2, 5, 3)
              .reshape(2, 3, (long) h * factor, (long) w * factor);
      assertEquals(expected.getShape(), actual.getShape());
      float worst = actual.sub(expected).abs().max().getFloat();
      assertEquals(0f, worst, 1e-3f, "largest difference");
    }
  }

  @ParameterizedTest(name = "by {0}")
  @ValueSource(ints = {2, 4})
  void poolsAsAnAverage(int factor) {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray image = manager.randomUniform(0f, 255f, new Shape(1, 3, 4 * factor, 2 * factor));
      NDArray pooled =
          Conv2d.conv2d(
                  image,
                  Resampling.pooling(factor, manager),
                  null,
                  new Shape(factor, factor),
                  new Shape(0, 0),
                  new Shape(1, 1),
                  3)
              .singletonOrThrow();
      NDArray expected = Ops.averagePool(image, factor);
      assertArrayEquals(expected.toFloatArray(), pooled.toFloatArray(), 1e-3f, "pooled pixels");
    }
  }
}
