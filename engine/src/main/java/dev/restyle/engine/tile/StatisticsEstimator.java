package dev.restyle.engine.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.network.StyleNetwork;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Estimates the normalisation statistics the network would compute over a whole image without
 * running it on the whole image: it runs one batch of full-resolution windows spread evenly over
 * the image, normalising every layer with the moments of the windows' cores pooled together (see
 * {@link StatisticsRecorder}). An image that fits in the budget is its own single window, and the
 * statistics are exact; a larger one is sampled, with no error from resolution (a downscaled copy
 * has different textures at every layer and matched a whole-image result far worse: 21 dB against
 * 73 on a 712x474 photo) and none from the order of layers (each layer sees the ones before it
 * normalised with the pooled statistics).
 */
final class StatisticsEstimator {
  /** The side of a sample window's core. */
  static final int SAMPLE_CORE = 256;

  private final StyleNetwork network;

  StatisticsEstimator(StyleNetwork network) {
    this.network = network;
  }

  /**
   * Statistics from windows of at most {@code budget} pixels together.
   *
   * @param paddedWidth the image's width padded to the network's side multiple
   * @param paddedHeight its height, likewise
   * @param margin how far each window reaches beyond its core (a multiple of the side multiple)
   */
  ImageStatistics estimate(
      PixelSource source, int paddedWidth, int paddedHeight, int margin, long budget)
      throws IOException {
    int multiple = network.architecture().sideMultiple();
    List<Region> windows;
    Region core;
    if ((long) paddedWidth * paddedHeight <= budget) {
      windows = List.of(new Region(0, 0, paddedWidth, paddedHeight));
      core = windows.getFirst();
    } else {
      int side = SAMPLE_CORE + 2 * margin;
      int sx = Math.min(side, paddedWidth);
      int sy = Math.min(side, paddedHeight);
      int mx = sx == side ? margin : 0;
      int my = sy == side ? margin : 0;
      core = new Region(mx, my, sx - 2 * mx, sy - 2 * my);
      long count = Math.max(1, budget / ((long) sx * sy));
      int across =
          (int)
              Math.max(
                  1,
                  Math.min(
                      paddedWidth / Math.max(1, core.width()),
                      Math.round(Math.sqrt(count * (double) paddedWidth / paddedHeight))));
      int down =
          (int) Math.max(1, Math.min(paddedHeight / Math.max(1, core.height()), count / across));
      windows = new ArrayList<>();
      for (int j = 0; j < down; j++) {
        for (int i = 0; i < across; i++) {
          windows.add(
              new Region(
                  spread(i, across, paddedWidth - sx, multiple),
                  spread(j, down, paddedHeight - sy, multiple),
                  sx,
                  sy));
        }
      }
    }
    List<byte[]> pixels = new ArrayList<>(windows.size());
    for (Region window : windows) {
      pixels.add(WindowReader.read(source, window));
    }
    int w = windows.getFirst().width();
    int h = windows.getFirst().height();
    StatisticsAccumulator accumulator = new StatisticsAccumulator();
    try (NDManager scope = NDManager.newBaseManager(network.device())) {
      NDArray x = BatchStylizer.toTensor(pixels, w, h, scope);
      pixels.clear();
      network.forward(x, new StatisticsRecorder(accumulator, w, h, core)).close();
    }
    return accumulator.statistics();
  }

  /** The {@code i}th of {@code n} positions spread evenly over {@code 0..range}, on the grid. */
  private static int spread(int i, int n, int range, int multiple) {
    long at = n == 1 ? range / 2 : (long) range * i / (n - 1);
    return (int) (at / multiple * multiple);
  }
}
