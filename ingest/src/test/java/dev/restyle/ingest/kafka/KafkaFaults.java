package dev.restyle.ingest.kafka;

import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.ChildJvm;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.pipeline.PipelineListener;
import dev.restyle.ingest.pipeline.PipelineResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the Kafka fault tests share: settings, slowed processing, stylizers in this or a child JVM.
 */
public final class KafkaFaults {
  static final StyleOptions OPTIONS = new StyleOptions(0.5f, false);

  private KafkaFaults() {}

  /**
   * Settings for a fault test: commits every 200 ms, a crashed member leaves the group after 6 s
   * (the broker's least), a crashed process's transaction is aborted after 8 s.
   */
  static KafkaSettings settings(String bootstrap, String name, boolean exactlyOnce) {
    return KafkaSettings.of(bootstrap, name + ".in", name + ".out")
        .withGroupId(name + ".group")
        .withExactlyOnce(exactlyOnce)
        .withCommitInterval(Duration.ofMillis(200))
        .withSessionTimeout(Duration.ofSeconds(6))
        .withTransactionTimeout(Duration.ofSeconds(8));
  }

  /** {@code processor}, taking at least {@code perFrame} per frame: faults land mid-stream. */
  static BatchProcessor slow(BatchProcessor processor, Duration perFrame) {
    return batch -> {
      LockSupport.parkNanos(perFrame.toNanos() * batch.size());
      return processor.process(batch);
    };
  }

  /** Frames 0 to {@code frames - 1} of streams cam0 ... interleaved; the expected counts. */
  static Map<String, Integer> produceStreams(
      KafkaBroker broker, String topic, int streams, int frames) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < streams; c++) {
        records.add(KafkaFrames.frame(topic, c, i));
      }
    }
    for (int c = 0; c < streams; c++) {
      expected.put("cam" + c, frames);
    }
    KafkaFrames.produce(broker.bootstrap(), records);
    return expected;
  }

  /**
   * Reads {@code topic} from the start until it holds {@code distinct} different frames (repeats
   * aside) or {@code timeout} passed, then a little longer to catch repeats after them.
   */
  public static List<ConsumerRecord<String, byte[]>> readUntil(
      KafkaBroker broker, String topic, int distinct, Duration timeout, boolean readCommitted) {
    return broker.readUntil(
        topic, out -> Deliveries.distinct(out) >= distinct, timeout, readCommitted);
  }

  /** A stylizer running on a thread of this JVM. */
  record Running(KafkaStylizer stylizer, CompletableFuture<PipelineResult> result) {
    static Running start(KafkaSettings settings, BatchProcessor processor) {
      return start(settings, processor, new SimpleMeterRegistry());
    }

    static Running start(
        KafkaSettings settings, BatchProcessor processor, SimpleMeterRegistry registry) {
      KafkaStylizer stylizer =
          new KafkaStylizer(
              settings,
              processor,
              registry,
              new KafkaStylizer.Batching(4, Duration.ofMillis(20)),
              PipelineListener.NONE);
      CompletableFuture<PipelineResult> result = new CompletableFuture<>();
      Thread.ofPlatform()
          .daemon()
          .name("kafka-stylizer-" + settings.groupId())
          .start(
              () -> {
                try {
                  result.complete(stylizer.run());
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                }
              });
      return new Running(stylizer, result);
    }
  }

  /**
   * Starts {@link StylizerMain} in a child JVM (a gentle random network, {@code perFrame} per
   * frame) on the fault-test settings of {@code name}; its output goes to {@code log}.
   */
  static Process startChild(
      String bootstrap, String name, boolean exactlyOnce, Duration perFrame, Path log)
      throws IOException {
    List<String> command =
        ChildJvm.command(
            "512m",
            StylizerMain.class,
            bootstrap,
            name,
            String.valueOf(exactlyOnce),
            String.valueOf(perFrame.toMillis()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}
