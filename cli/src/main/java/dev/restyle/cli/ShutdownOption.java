package dev.restyle.cli;

import dev.restyle.ingest.config.Durations;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --shutdown-timeout}, shared by the commands that {@link StopSignals} stops. */
final class ShutdownOption {
  @Option(
      names = "--shutdown-timeout",
      defaultValue = "10s",
      description =
          "after Ctrl-C or SIGTERM, how long finishing the frames in flight and completing the"
              + " output may take before restyle quits anyway with exit status 4 (default"
              + " ${DEFAULT-VALUE}); a second signal quits at once")
  String timeout;

  /** The timeout, checked. */
  Duration timeout() {
    Duration d;
    try {
      d = Durations.parse(timeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--shutdown-timeout: " + e.getMessage(), e);
    }
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("--shutdown-timeout must be positive, got " + timeout);
    }
    return d;
  }
}
