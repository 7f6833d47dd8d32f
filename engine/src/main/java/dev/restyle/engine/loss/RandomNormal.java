package dev.restyle.engine.loss;

import java.util.SplittableRandom;

/**
 * Standard normal samples from a seeded generator (Box-Muller), for reproducible random filters.
 */
final class RandomNormal {
  private RandomNormal() {}

  static double next(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
