package dev.restyle.cli.bench;

import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.stylize.StyleOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Times a network frame in, frame out, as the video pipeline runs it: packed RGB bytes to a tensor,
 * the network, and back to packed RGB bytes ({@link BatchStylizer}).
 */
final class NetworkTimer {
  /**
   * One measurement.
   *
   * @param medianMillis median wall time per frame
   * @param cpuMillis process CPU time per frame (all threads), averaged over the timed passes: the
   *     work done, which other jobs on the machine inflate far less than the wall time
   * @param peakRssBytes peak resident memory of the process during the measurement, if known
   */
  record Timing(double medianMillis, double cpuMillis, OptionalLong peakRssBytes) {
    double framesPerSecond() {
      return 1000.0 / medianMillis;
    }
  }

  private NetworkTimer() {}

  static Timing time(BatchStylizer stylizer, FrameSize size, int batch, int warmup, int repeats) {
    List<byte[]> frames = randomFrames(size, batch, 7);
    boolean peakReset = ProcessMemory.resetPeak();
    for (int i = 0; i < warmup; i++) {
      stylizer.stylize(frames, size.width(), size.height(), StyleOptions.DEFAULT);
    }
    double[] perFrame = new double[repeats];
    long cpuStart = ProcessMemory.cpuNanos();
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      stylizer.stylize(frames, size.width(), size.height(), StyleOptions.DEFAULT);
      perFrame[i] = (System.nanoTime() - start) / 1e6 / batch;
    }
    double cpuMillis = (ProcessMemory.cpuNanos() - cpuStart) / 1e6 / repeats / batch;
    return new Timing(
        median(perFrame), cpuMillis, peakReset ? ProcessMemory.peakBytes() : OptionalLong.empty());
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Uniform random RGB frames (the network's cost does not depend on the picture). */
  static List<byte[]> randomFrames(FrameSize size, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<byte[]> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] rgb = new byte[Math.toIntExact(size.pixels() * 3)];
      for (int j = 0; j < rgb.length; j++) {
        rgb[j] = (byte) random.nextInt(256);
      }
      frames.add(rgb);
    }
    return frames;
  }
}
