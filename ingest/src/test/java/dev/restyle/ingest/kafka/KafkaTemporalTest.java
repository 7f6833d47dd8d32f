package dev.restyle.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.pipeline.PipelineListener;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.temporal.FlickeringStylizer;
import dev.restyle.ingest.temporal.Reset;
import dev.restyle.ingest.temporal.TemporalClips;
import dev.restyle.ingest.temporal.TemporalSettings;
import dev.restyle.ingest.temporal.TemporalStabilizer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporal stabilisation in {@link KafkaStylizer} against a real broker: three streams, from clips
 * made by ffmpeg, interleaved frame by frame over two partitions and batched together; each output
 * frame must be exactly what a stabiliser given that stream alone makes (so steadied against its
 * own previous frame, never another stream's), and each stream must keep its order.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaTemporalTest {
  private static final int WIDTH = 160;
  private static final int HEIGHT = 120;
  private static final int FRAMES = 12;

  @TempDir Path dir;

  private final KafkaBroker broker;

  KafkaTemporalTest(KafkaBroker broker) {
    this.broker = broker;
  }

  @Test
  void interleavedStreamsAreEachSteadiedAgainstTheirOwnPreviousFrame() throws Exception {
    TemporalClips.assumeFfmpeg();
    Path square = TemporalClips.movingSquare(dir.resolve("square.mp4"), WIDTH, HEIGHT, FRAMES);
    Path cut = TemporalClips.hardCut(dir.resolve("cut.mp4"), WIDTH, HEIGHT, 2 * FRAMES);
    Map<String, List<Frame>> streams = new LinkedHashMap<>();
    streams.put("square", TemporalClips.read(square, "square"));
    streams.put("still", TemporalClips.read(cut, "still").subList(0, FRAMES));
    streams.put("other", TemporalClips.read(cut, "other").subList(FRAMES, 2 * FRAMES));

    String name = "temporal-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaSettings settings =
        KafkaSettings.of(broker.bootstrap(), name + ".in", name + ".out")
            .withGroupId(name + ".group")
            .withCommitInterval(Duration.ofMillis(200));
    broker.createTopics(
        2, settings.inputTopic(), settings.outputTopic(), settings.deadLetterTopic());
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      for (Map.Entry<String, List<Frame>> e : streams.entrySet()) {
        Frame f = e.getValue().get(i);
        records.add(
            new ProducerRecord<>(
                settings.inputTopic(),
                null,
                e.getKey(),
                f.rgb(),
                KafkaFrames.headers(i, i * 40_000L, WIDTH, HEIGHT, "rgb")));
      }
    }
    KafkaFrames.produce(broker.bootstrap(), records);

    KafkaStylizer stylizer =
        new KafkaStylizer(
            settings,
            new FlickeringStylizer(),
            new SimpleMeterRegistry(),
            new KafkaStylizer.Batching(4, Duration.ofMillis(20)),
            PipelineListener.NONE,
            TemporalSettings.DEFAULT);
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
    int total = streams.size() * FRAMES;
    List<ConsumerRecord<String, byte[]>> out =
        broker.read(settings.outputTopic(), total, Duration.ofSeconds(60), false);
    assertTrue(stylizer.stopAndWait(Duration.ofSeconds(30)), "the stylizer did not stop");
    assertEquals(total, result.get(5, TimeUnit.SECONDS).framesOut());
    assertEquals(total, out.size());

    TemporalStabilizer used = stylizer.stabilizer();
    assertNotNull(used, "temporal stabilisation was on");
    for (Reset r : Reset.values()) {
      assertEquals(0, used.metrics().resets(r), r + " between interleaved streams");
    }
    assertEquals(total - streams.size(), used.metrics().flow().count(), "flow per frame");

    for (Map.Entry<String, List<Frame>> e : streams.entrySet()) {
      List<ConsumerRecord<String, byte[]>> got =
          out.stream().filter(r -> r.key().equals(e.getKey())).toList();
      long[] indices =
          got.stream()
              .mapToLong(r -> Long.parseLong(FrameHeaders.text(r.headers(), FrameHeaders.INDEX)))
              .toArray();
      long[] expectedIndices = new long[FRAMES];
      Arrays.setAll(expectedIndices, i -> i);
      assertArrayEquals(expectedIndices, indices, "order of " + e.getKey());
      try (TemporalStabilizer alone =
          new TemporalStabilizer(TemporalSettings.DEFAULT, new SimpleMeterRegistry(), "alone")) {
        for (int i = 0; i < FRAMES; i++) {
          Frame in = e.getValue().get(i);
          Frame sent = new Frame(e.getKey(), i, i * 40_000L, WIDTH, HEIGHT, in.rgb(), 0);
          Frame expected = alone.stabilise(sent, sent.withPixels(FlickeringStylizer.paint(sent)));
          assertArrayEquals(expected.rgb(), got.get(i).value(), e.getKey() + " #" + i);
          if (i > 0) {
            assertFalse(
                Arrays.equals(FlickeringStylizer.paint(sent), got.get(i).value()),
                e.getKey() + " #" + i + " was steadied");
          }
        }
      }
    }
  }
}
