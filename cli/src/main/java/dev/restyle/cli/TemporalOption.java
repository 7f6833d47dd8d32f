package dev.restyle.cli;

import dev.restyle.ingest.temporal.TemporalMetrics;
import dev.restyle.ingest.temporal.TemporalSettings;
import dev.restyle.ingest.temporal.TemporalStabilizer;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * {@code --no-temporal}, shared by the commands that stylise video ({@code video}, {@code stream},
 * {@code kafka}; {@code run} reads {@code temporal:} from its YAML file), and the line that reports
 * what temporal stabilisation did.
 */
final class TemporalOption {
  @Option(
      names = "--no-temporal",
      description =
          "paint every frame on its own: no temporal stabilisation (by default each stylised frame"
              + " is blended with the previous output, carried along the optical flow where it is"
              + " reliable, which removes flicker; see docs/temporal.md)")
  boolean off;

  /** The settings these options give. */
  TemporalSettings settings() {
    return off ? TemporalSettings.OFF : TemporalSettings.DEFAULT;
  }

  /** A few words on what the stabiliser did: time per frame, pixels carried over, resets. */
  static String summary(TemporalStabilizer stabilizer) {
    if (stabilizer == null) {
      return "temporal off";
    }
    TemporalMetrics m = stabilizer.metrics();
    return String.format(
        "temporal: %.1f ms/frame (flow %.1f), %.0f%% of pixels carried over, %d resets",
        m.latency().count() == 0 ? 0.0 : m.latency().mean(TimeUnit.MILLISECONDS),
        m.flow().count() == 0 ? 0.0 : m.flow().mean(TimeUnit.MILLISECONDS),
        100 * (m.carried().count() == 0 ? 0.0 : m.carried().mean()),
        m.totalResets());
  }
}
