package dev.restyle.cli;

import ai.djl.Device;

/** Process-wide settings applied before any engine is touched, and defaults that depend on it. */
final class Runtime {
  private Runtime() {}

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
