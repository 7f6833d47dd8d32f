package dev.restyle.cli;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Process-wide settings applied before any engine is touched, and defaults that depend on it. */
public final class Runtime {
  /** DJL's setting of libtorch's intra-op threads; when given, restyle leaves it alone. */
  static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

  private static final Logger LOG = LoggerFactory.getLogger(Runtime.class);

  private Runtime() {}

  /**
   * Gives the network one core fewer than the machine has (at least one thread per predictor),
   * shared among the predictors that run it at once, in commands whose decoder, encoder and
   * temporal stage work beside it. libtorch's intra-op threads meet at a barrier after every
   * operation; when another busy thread holds one of their cores, each barrier waits for the
   * scheduler to come back to it, and a pass of a few hundred operations stalls for up to a second
   * (2 cores, the faster network at 256x256: 5 ms with the cores to itself, 1,000 ms on two threads
   * beside one busy process, 5.3 ms on one thread beside it). A GPU, or an explicit {@value
   * #THREADS_PROPERTY}, is left as it is.
   *
   * @param predictors how many threads run the network at once
   */
  static void leaveACoreForThePipeline(Device device, int predictors) {
    if (device.isGpu() || System.getProperty(THREADS_PROPERTY) != null) {
      return;
    }
    int threads = Math.max(1, (cores() - 1) / predictors);
    JniUtils.setNumThreads(threads);
    LOG.debug(
        "libtorch runs {} intra-op thread(s) for each of {} predictor(s), leaving a core to"
            + " decoding and encoding",
        threads,
        predictors);
  }

  /**
   * Predictors (threads running the network at once) for a video file when the user gives none. On
   * a CPU, two single-threaded passes side by side keep both cores busy through the decoder's and
   * encoder's turns, where one pass on one thread leaves a core idle between them (2 cores,
   * starry_night_fast, 300 noisy frames, medians: 640x480 36.1 -> 42.2 frames/s, 1280x720 12.4 ->
   * 14.8). A GPU takes batches one at a time.
   */
  static int defaultPredictors(Device device) {
    return defaultPredictors(device, cores());
  }

  /**
   * The same rule for a CPU given {@code threads} libtorch threads rather than the machine's cores
   * (the benchmark's {@code --threads}): two predictors where there are two threads or more.
   */
  public static int defaultPredictors(Device device, int threads) {
    return device.isGpu() ? 1 : Math.min(2, threads);
  }

  private static int cores() {
    return java.lang.Runtime.getRuntime().availableProcessors();
  }

  /** DJL must never download anything: libtorch comes from the bundled native jar. */
  static void configure() {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
  }

  /**
   * Frames or images per network pass when the user gives none. On a CPU a batch is no faster per
   * image than one image, and at video sizes its tensors are large enough that the allocator maps
   * and unmaps them on every pass (two cores: 2.1 fps one at a time against 1.1 fps four at a time
   * at 640x480; restyle serve at 512x512 and concurrency 16: 3.7 requests/s against 1.8). GPUs gain
   * from batches.
   */
  static int defaultBatch(Device device) {
    return device.isGpu() ? 4 : 1;
  }
}
