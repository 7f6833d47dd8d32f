package dev.restyle.cli;

/** The exit statuses of {@code restyle}, as the README documents them. */
final class ExitCodes {
  /** Done, and the input was whole. */
  static final int OK = 0;

  /** Something unexpected (a bug, the network, the machine); the stack trace is at debug level. */
  static final int FAILURE = 1;

  /** Bad input or options that yielded nothing: an unreadable file, an unknown style, ... */
  static final int BAD_INPUT = 2;

  /** Done, but the input was damaged: the output holds every frame up to and around the damage. */
  static final int DAMAGED_INPUT = 3;

  /**
   * Stopped before the output was complete: a second Ctrl-C or SIGTERM, or the shutdown timeout ran
   * out while the frames in flight were being finished.
   */
  static final int FORCED_STOP = 4;

  private ExitCodes() {}

  /** Stopped cleanly by a signal, the output complete: 128 + its number (130 SIGINT, 143 TERM). */
  static int signalled(int signal) {
    return 128 + signal;
  }
}
