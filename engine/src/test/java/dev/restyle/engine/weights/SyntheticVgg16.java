package dev.restyle.engine.weights;

import dev.restyle.engine.network.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Random-valued state dicts with torchvision VGG-16's real key names and shapes. */
public final class SyntheticVgg16 {
  /** Conv indices in {@code features} and their (in, out) channels, all 13 of VGG-16. */
  private static final int[][] CONVS = {
    {0, 3, 64},
    {2, 64, 64},
    {5, 64, 128},
    {7, 128, 128},
    {10, 128, 256},
    {12, 256, 256},
    {14, 256, 256},
    {17, 256, 512},
    {19, 512, 512},
    {21, 512, 512},
    {24, 512, 512},
    {26, 512, 512},
    {28, 512, 512}
  };

  private SyntheticVgg16() {}

  /**
   * The {@code features.*} parameters of the first {@code convs} convolutions (13 for all), He-
   * uniform weights and small biases, plus a small stand-in for {@code classifier.6} when asked.
   */
  public static Map<String, Tensor> stateDict(long seed, int convs, boolean classifier) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Tensor> dict = new LinkedHashMap<>();
    for (int i = 0; i < convs; i++) {
      int index = CONVS[i][0];
      int in = CONVS[i][1];
      int out = CONVS[i][2];
      double bound = Math.sqrt(6.0 / (in * 9));
      dict.put(
          "features." + index + ".weight",
          new Tensor(new long[] {out, in, 3, 3}, uniform(random, out * in * 9, bound)));
      dict.put(
          "features." + index + ".bias", new Tensor(new long[] {out}, uniform(random, out, 0.1)));
    }
    if (classifier) {
      dict.put("classifier.6.weight", new Tensor(new long[] {10, 16}, uniform(random, 160, 1)));
      dict.put("classifier.6.bias", new Tensor(new long[] {10}, uniform(random, 10, 1)));
    }
    return dict;
  }

  public static float[] uniform(SplittableRandom random, int n, double bound) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(-bound, bound);
    }
    return values;
  }
}
