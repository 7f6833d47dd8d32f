package dev.restyle.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.inference.StylizeProcessor;
import dev.restyle.ingest.pipeline.PipelineListener;
import dev.restyle.ingest.pipeline.PipelineResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two stylizers in one consumer group share a topic's partitions: the second joins while the first
 * is busy, the group rebalances, and every frame still comes through, each stream in order.
 */
@Tag("slow")
@ExtendWith(KafkaBrokerExtension.class)
class KafkaScaleOutTest {
  private static final StyleOptions OPTIONS = new StyleOptions(0.5f, false);

  private static CompletableFuture<PipelineResult> start(KafkaStylizer stylizer) {
    CompletableFuture<PipelineResult> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                result.complete(stylizer.run());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return result;
  }

  @Test
  void twoProcessesInOneGroupShareThePartitions(KafkaBroker broker) throws Exception {
    String name = "scale-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaSettings s =
        KafkaSettings.of(broker.bootstrap(), name + ".in", name + ".out")
            .withGroupId(name)
            .withCommitInterval(Duration.ofMillis(200));
    broker.createTopics(4, s.inputTopic(), s.outputTopic(), s.deadLetterTopic());
    int streams = 4;
    int frames = 50;
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < streams; c++) {
        records.add(KafkaFrames.frame(s.inputTopic(), c, i));
      }
    }
    KafkaFrames.produce(broker.bootstrap(), records);

    try (StyleNetwork one = KafkaFrames.gentleRandomNetwork();
        StyleNetwork two = KafkaFrames.gentleRandomNetwork()) {
      KafkaStylizer.Batching batching = new KafkaStylizer.Batching(1, Duration.ZERO);
      KafkaStylizer first =
          new KafkaStylizer(
              s,
              StylizeProcessor.of(one, OPTIONS),
              new SimpleMeterRegistry(),
              batching,
              PipelineListener.NONE);
      KafkaStylizer second =
          new KafkaStylizer(
              s,
              StylizeProcessor.of(two, OPTIONS),
              new SimpleMeterRegistry(),
              batching,
              PipelineListener.NONE);
      CompletableFuture<PipelineResult> a = start(first);
      // Let the first take all partitions and get going, then join.
      broker.read(s.outputTopic(), 10, Duration.ofSeconds(30), false);
      CompletableFuture<PipelineResult> b = start(second);
      List<ConsumerRecord<String, byte[]>> out =
          broker.read(s.outputTopic(), streams * frames, Duration.ofSeconds(60), false);
      first.stopAndWait(Duration.ofSeconds(30));
      second.stopAndWait(Duration.ofSeconds(30));
      long byFirst = a.get(5, TimeUnit.SECONDS).framesOut();
      long bySecond = b.get(5, TimeUnit.SECONDS).framesOut();

      assertTrue(bySecond > 0, "the second process got no partition");
      assertEquals(streams * frames, byFirst + bySecond, "frames written in all (none repeated)");
      for (int c = 0; c < streams; c++) {
        String key = "cam" + c;
        long[] indices =
            out.stream()
                .filter(r -> r.key().equals(key))
                .mapToLong(r -> Long.parseLong(FrameHeaders.text(r.headers(), FrameHeaders.INDEX)))
                .toArray();
        long[] expected = new long[frames];
        java.util.Arrays.setAll(expected, i -> i);
        assertEquals(
            java.util.Arrays.toString(expected),
            java.util.Arrays.toString(indices),
            key + " in order, each frame once");
      }
    }
  }
}
