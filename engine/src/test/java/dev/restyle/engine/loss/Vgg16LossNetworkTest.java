package dev.restyle.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.util.Sha256;
import dev.restyle.engine.weights.SyntheticVgg16;
import dev.restyle.engine.weights.TorchFileWriter;
import dev.restyle.engine.weights.Vgg16Weights;
import dev.restyle.engine.weights.WeightsDownloader;
import dev.restyle.engine.weights.WeightsResolver;
import dev.restyle.engine.weights.WeightsSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Vgg16LossNetworkTest {
  /** All 13 convolutions, as in the real file, plus a classifier stand-in that must be ignored. */
  private static Map<String, Tensor> weights;

  @BeforeAll
  static void createWeights() {
    weights = SyntheticVgg16.stateDict(11, 13, true);
  }

  @TempDir Path dir;

  @Test
  void featuresHaveVgg16sShapes() {
    try (Vgg16LossNetwork net = new Vgg16LossNetwork(weights, Device.cpu());
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray images = m.randomUniform(0, 255, new Shape(1, 3, 64, 48));
      LossNetwork.Features f = net.extract(images);
      assertEquals("vgg16", net.name());
      assertEquals(
          List.of(
              new Shape(1, 64, 64, 48),
              new Shape(1, 128, 32, 24),
              new Shape(1, 256, 16, 12),
              new Shape(1, 512, 8, 6)),
          f.style().stream().map(NDArray::getShape).toList());
      assertEquals(1, f.content().size());
      assertSame(f.style().get(1), f.content().get(0), "content layer is relu2_2");
      for (NDArray a : f.style()) {
        assertSame(
            images.getManager(), a.getManager(), "activations belong to the images' manager");
        assertTrue(a.min().getFloat() >= 0, "ReLU outputs");
      }
    }
  }

  @Test
  void matchesAPlainJavaReference() {
    int h = 10;
    int w = 9;
    float[] image = SyntheticVgg16.uniform(new SplittableRandom(2), 2 * 3 * h * w, 1);
    for (int i = 0; i < image.length; i++) {
      image[i] = 127.5f + 127.5f * image[i];
    }
    try (Vgg16LossNetwork net = new Vgg16LossNetwork(weights, Device.cpu());
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      LossNetwork.Features f = net.extract(m.create(image, new Shape(2, 3, h, w)));

      float[][] x = new float[2][];
      float[] mean = {0.485f, 0.456f, 0.406f};
      float[] std = {0.229f, 0.224f, 0.225f};
      for (int n = 0; n < 2; n++) {
        x[n] = new float[3 * h * w];
        for (int i = 0; i < x[n].length; i++) {
          int c = i / (h * w);
          x[n][i] = (image[n * 3 * h * w + i] / 255f - mean[c]) / std[c];
        }
      }
      for (int n = 0; n < 2; n++) {
        float[] relu11 = convRelu(x[n], 3, h, w, "features.0");
        float[] relu12 = convRelu(relu11, 64, h, w, "features.2");
        assertClose(relu12, f.style().get(0).get(n).toFloatArray(), "relu1_2");
        float[] pooled = maxPool(relu12, 64, h, w);
        float[] relu21 = convRelu(pooled, 64, h / 2, w / 2, "features.5");
        float[] relu22 = convRelu(relu21, 128, h / 2, w / 2, "features.7");
        assertClose(relu22, f.content().get(0).get(n).toFloatArray(), "relu2_2");
      }
    }
  }

  /** 3x3 convolution with zero padding 1, then ReLU, on one (C, H, W) image. */
  private static float[] convRelu(float[] in, int channels, int h, int w, String layer) {
    Tensor weight = weights.get(layer + ".weight");
    float[] k = weight.data();
    float[] bias = weights.get(layer + ".bias").data();
    int outChannels = (int) weight.shape()[0];
    float[] out = new float[outChannels * h * w];
    for (int o = 0; o < outChannels; o++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double sum = bias[o];
          for (int c = 0; c < channels; c++) {
            for (int dy = -1; dy <= 1; dy++) {
              for (int dx = -1; dx <= 1; dx++) {
                int yy = y + dy;
                int xx = x + dx;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                  sum +=
                      (double) k[((o * channels + c) * 3 + dy + 1) * 3 + dx + 1]
                          * in[(c * h + yy) * w + xx];
                }
              }
            }
          }
          out[(o * h + y) * w + x] = (float) Math.max(0, sum);
        }
      }
    }
    return out;
  }

  private static float[] maxPool(float[] in, int channels, int h, int w) {
    int oh = h / 2;
    int ow = w / 2;
    float[] out = new float[channels * oh * ow];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          float best = Float.NEGATIVE_INFINITY;
          for (int d = 0; d < 4; d++) {
            best = Math.max(best, in[(c * h + 2 * y + d / 2) * w + 2 * x + d % 2]);
          }
          out[(c * oh + y) * ow + x] = best;
        }
      }
    }
    return out;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double scale = 0;
    for (float v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 0, what + " is all zeros: the comparison would prove nothing");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4 * scale, what + " at " + i);
    }
  }

  @Test
  void refusesIncompleteOrMisshapenWeights() {
    Map<String, Tensor> missing = new HashMap<>(weights);
    missing.remove("features.21.bias");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Vgg16LossNetwork(missing, Device.cpu()));
    assertTrue(e.getMessage().contains("features.21.bias"), e.getMessage());

    Map<String, Tensor> misshapen = new HashMap<>(weights);
    misshapen.put("features.7.weight", new Tensor(new long[] {128, 64, 3, 3}, new float[73728]));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new Vgg16LossNetwork(misshapen, Device.cpu()));
    assertTrue(e.getMessage().contains("features.7.weight"), e.getMessage());
  }

  @Test
  void refusesImagesTooSmallForThreePoolings() {
    try (Vgg16LossNetwork net = new Vgg16LossNetwork(weights, Device.cpu());
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      assertThrows(
          IllegalArgumentException.class, () -> net.extract(m.zeros(new Shape(1, 3, 7, 16))));
      assertThrows(
          IllegalArgumentException.class, () -> net.extract(m.zeros(new Shape(1, 1, 16, 16))));
    }
  }

  @Test
  void loadsTheFeaturesFromAResolvedLegacyFile() throws IOException {
    Path file = dir.resolve("synthetic.pth");
    TorchFileWriter.of(weights).writeLegacy(file);
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    WeightsSource source =
        Vgg16Weights.OFFICIAL.withSha256Prefix(Sha256.ofFile(file).substring(0, 8));
    Files.move(file, cache.resolve(source.fileName()));
    WeightsResolver resolver = new WeightsResolver(List.of(), cache, new WeightsDownloader());

    assertEquals(20, Vgg16LossNetwork.requiredKeys().size());
    try (Vgg16LossNetwork fromFile =
            Vgg16LossNetwork.load(resolver, source, null, false, Device.cpu());
        Vgg16LossNetwork fromMap = new Vgg16LossNetwork(weights, Device.cpu());
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray images = m.randomUniform(0, 255, new Shape(1, 3, 16, 16));
      NDArray a = fromFile.extract(images).style().get(3);
      NDArray b = fromMap.extract(images).style().get(3);
      assertEquals(0f, a.sub(b).abs().max().getFloat());
    }
  }
}
