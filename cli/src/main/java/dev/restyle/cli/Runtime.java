package dev.restyle.cli;

/** Process-wide settings applied before any engine is touched. */
final class Runtime {
  private Runtime() {}

  /** DJL must never download anything: libtorch comes from the bundled native jar. */
  static void configure() {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
  }
}
