package dev.restyle.engine.tile;

/**
 * Blending weights of one tile along one axis: 1 inside its core, ramping linearly to 0 across a
 * band of {@code 2 * half} pixels centred on each core edge shared with a neighbour. A neighbour's
 * ramp is the mirror image, so the weights of all tiles sum to exactly 1 at every pixel and no seam
 * can show even where two tiles' outputs differ slightly.
 */
final class Feather {
  private Feather() {}

  /** The first pixel a tile contributes to along an axis. */
  static int start(int coreStart, int half) {
    return coreStart == 0 ? 0 : coreStart - half;
  }

  /** One past the last pixel a tile contributes to, clipped to the image's {@code length}. */
  static int end(int coreEnd, int paddedLength, int length, int half) {
    return Math.min(length, coreEnd == paddedLength ? paddedLength : coreEnd + half);
  }

  /**
   * The weights of pixels {@code from} to {@code to - 1}.
   *
   * @param coreStart the core's first pixel (0: the image's edge, no ramp)
   * @param coreEnd one past the core's last pixel ({@code paddedLength}: the edge, no ramp)
   * @param half half the blending band; at most half the core
   */
  static float[] weights(int from, int to, int coreStart, int coreEnd, int paddedLength, int half) {
    float[] w = new float[to - from];
    for (int i = 0; i < w.length; i++) {
      double centre = from + i + 0.5;
      double weight = 1;
      if (half > 0 && coreStart > 0) {
        weight = Math.min(weight, (centre - (coreStart - half)) / (2.0 * half));
      }
      if (half > 0 && coreEnd < paddedLength) {
        weight = Math.min(weight, ((coreEnd + half) - centre) / (2.0 * half));
      }
      w[i] = (float) Math.max(0, Math.min(1, weight));
    }
    return w;
  }
}
