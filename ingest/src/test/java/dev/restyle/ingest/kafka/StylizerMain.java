package dev.restyle.ingest.kafka;

import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.ingest.inference.StylizeProcessor;
import java.time.Duration;

/**
 * A {@link KafkaStylizer} as a process of its own, for tests that crash it: {@code BOOTSTRAP NAME
 * EXACTLY_ONCE MILLIS_PER_FRAME}, on {@link KafkaFaults#settings}. Runs until killed.
 */
public final class StylizerMain {
  private StylizerMain() {}

  public static void main(String[] args) throws Exception {
    KafkaSettings settings = KafkaFaults.settings(args[0], args[1], Boolean.parseBoolean(args[2]));
    try (StyleNetwork network = KafkaFrames.gentleRandomNetwork()) {
      KafkaFaults.Running running =
          KafkaFaults.Running.start(
              settings,
              KafkaFaults.slow(
                  StylizeProcessor.of(network, KafkaFaults.OPTIONS),
                  Duration.ofMillis(Long.parseLong(args[3]))));
      System.out.println("stylizer started");
      running.result().get();
    }
  }
}
