package dev.restyle.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.inference.StylizeProcessor;
import dev.restyle.ingest.kafka.FrameEncoding;
import dev.restyle.ingest.kafka.KafkaSettings;
import dev.restyle.ingest.kafka.KafkaStylizer;
import dev.restyle.ingest.kafka.Topics;
import dev.restyle.ingest.pipeline.PipelineResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code restyle kafka}: stylises frames from one Kafka topic into another until interrupted
 * (Ctrl-C or SIGTERM: the frames in flight are finished, acknowledged and committed).
 */
@Command(
    name = "kafka",
    description =
        "Stylise frames from a Kafka topic into another until interrupted. Records: key = stream"
            + " id, headers frame.index, frame.pts, frame.width, frame.height, frame.encoding"
            + " (jpeg, png, rgb), value = the image. Malformed records go to the dead-letter"
            + " topic with the reason in a header.")
final class KafkaCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", required = true, description = "brokers, host:port[,host:port]")
  String bootstrap;

  @Option(names = "--in", required = true, description = "topic of frames to stylise")
  String input;

  @Option(names = "--out", required = true, description = "topic for the stylised frames")
  String output;

  @Option(names = "--dlq", description = "dead-letter topic (default: IN.dlq)")
  String deadLetters;

  @Option(
      names = "--group",
      defaultValue = "restyle",
      description =
          "consumer group; processes with the same group share the input's partitions (default"
              + " ${DEFAULT-VALUE})")
  String group;

  @Option(
      names = "--exactly-once",
      description =
          "Kafka transactions: each stylised frame appears once for read_committed readers, even"
              + " after a crash (default: at least once)")
  boolean exactlyOnce;

  @Option(
      names = "--out-encoding",
      description = "jpeg, png or rgb (default: the same as each input frame)")
  String outEncoding;

  @Option(
      names = "--batch",
      description = "frames per network pass (default: 1 on a CPU, 4 on a GPU)")
  Integer batch;

  @Option(
      names = "--max-wait-ms",
      defaultValue = "20",
      description = "how long a batch waits for more frames, in ms (default ${DEFAULT-VALUE})")
  long maxWaitMillis;

  @Option(
      names = "--commit-interval-ms",
      defaultValue = "1000",
      description = "how often offsets (or transactions) are committed (default ${DEFAULT-VALUE})")
  long commitMillis;

  @Option(
      names = "--session-timeout-ms",
      defaultValue = "10000",
      description =
          "how long the group waits for a crashed process before giving its partitions to the"
              + " others, in ms (default ${DEFAULT-VALUE}; the broker allows 6000 to 300000)")
  long sessionMillis;

  @Option(
      names = "--transaction-timeout-ms",
      defaultValue = "60000",
      description =
          "with --exactly-once: how long a crashed process's open transaction holds up"
              + " read_committed readers before the broker aborts it, in ms (default"
              + " ${DEFAULT-VALUE})")
  long transactionMillis;

  @Option(
      names = "--stats-interval-s",
      defaultValue = "5",
      description =
          "seconds between progress lines on stderr; 0 for none (default ${DEFAULT-VALUE})")
  long statsSeconds;

  @Option(
      names = "--max-frames",
      description = "stop cleanly after this many stylised frames (default: run until interrupted)")
  Long maxFrames;

  @Option(
      names = "--no-create-topics",
      description =
          "do not create the output and dead-letter topics (by default missing ones are created"
              + " with the input's partition count)")
  boolean noCreateTopics;

  @Mixin StyleChoice choice;

  @Mixin ShutdownOption shutdown;

  @Mixin TemporalOption temporal;

  @Override
  public Integer call() throws Exception {
    StyleOptions options = choice.options();
    if (batch != null && batch < 1) {
      throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
    }
    if (maxWaitMillis < 0 || commitMillis < 1 || statsSeconds < 0) {
      throw new IllegalArgumentException(
          "--max-wait-ms and --stats-interval-s must not be negative, --commit-interval-ms must be"
              + " positive");
    }
    if (maxFrames != null && maxFrames < 1) {
      throw new IllegalArgumentException("--max-frames must be at least 1, got " + maxFrames);
    }
    KafkaSettings settings =
        KafkaSettings.of(bootstrap, input, output)
            .withDeadLetterTopic(deadLetters != null ? deadLetters : input + ".dlq")
            .withGroupId(group)
            .withExactlyOnce(exactlyOnce)
            .withOutputEncoding(Optional.ofNullable(outEncoding).map(FrameEncoding::parse))
            .withCommitInterval(Duration.ofMillis(commitMillis))
            .withSessionTimeout(Duration.ofMillis(sessionMillis))
            .withTransactionTimeout(Duration.ofMillis(transactionMillis));
    if (!noCreateTopics) {
      Topics.ensure(
          bootstrap,
          List.of(settings.outputTopic(), settings.deadLetterTopic()),
          Topics.partitions(bootstrap, settings.inputTopic()));
    }
    Device device = Engine.getInstance().defaultDevice();
    Runtime.leaveACoreForThePipeline(device, 1);
    try (StyleNetwork network = StyleRegistry.standard().load(choice.style).toNetwork(device)) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      AtomicReference<KafkaStylizer> self = new AtomicReference<>();
      KafkaStylizer stylizer =
          new KafkaStylizer(
              settings,
              StylizeProcessor.of(network, options),
              registry,
              new KafkaStylizer.Batching(
                  batch != null ? batch : device.isGpu() ? 4 : 1, Duration.ofMillis(maxWaitMillis)),
              (frame, written) -> {
                if (maxFrames != null && written >= maxFrames) {
                  self.get().stop();
                }
              },
              temporal.settings());
      self.set(stylizer);
      // The pipeline is cancelled at three quarters of the timeout, so that what was acknowledged
      // is still committed before the hard exit.
      Duration timeout = shutdown.timeout();
      StopSignals signals =
          StopSignals.install(
              "kafka", timeout, () -> stylizer.stopAndWait(timeout.multipliedBy(3).dividedBy(4)));
      KafkaStats stats = new KafkaStats(registry, settings.inputTopic(), statsSeconds);
      try {
        stats.start();
        PipelineResult result = stylizer.run();
        System.out.printf(
            "%s -> %s: %d frames in %.1f s, %.2f fps, %d dead letters (style %s, %s; %s)%n",
            settings.inputTopic(),
            settings.outputTopic(),
            result.framesOut(),
            result.elapsed().toNanos() / 1e9,
            result.framesPerSecond(),
            result.decodeErrors(),
            choice.style,
            exactlyOnce ? "exactly once" : "at least once",
            TemporalOption.summary(stylizer.stabilizer()));
        System.out.flush();
        return signals.exitCode(ExitCodes.OK);
      } finally {
        stats.close();
        signals.close();
      }
    }
  }
}
