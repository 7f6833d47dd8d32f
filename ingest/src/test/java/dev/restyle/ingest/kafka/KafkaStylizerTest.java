package dev.restyle.ingest.kafka;

import static dev.restyle.ingest.kafka.KafkaFrames.HEIGHT;
import static dev.restyle.ingest.kafka.KafkaFrames.WIDTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.ingest.inference.StylizeProcessor;
import dev.restyle.ingest.pipeline.PipelineListener;
import dev.restyle.ingest.pipeline.PipelineResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link KafkaStylizer} against a real broker ({@link KafkaBrokerExtension}): 64x48 JPEG frames, a
 * small random network at half strength.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaStylizerTest {
  private static final StyleOptions OPTIONS = new StyleOptions(0.5f, false);

  /** Mean absolute difference allowed between an output frame and its reference (two JPEGs). */
  private static final double TOLERANCE = 4;

  private static final Duration WAIT = Duration.ofSeconds(40);

  private static StyleNetwork network;
  private static StylizeProcessor processor;

  private final KafkaBroker broker;

  KafkaStylizerTest(KafkaBroker broker) {
    this.broker = broker;
  }

  @BeforeAll
  static void loadNetwork() {
    network = KafkaFrames.gentleRandomNetwork();
    processor = StylizeProcessor.of(network, OPTIONS);
  }

  @AfterAll
  static void closeNetwork() {
    network.close();
  }

  private record Running(KafkaStylizer stylizer, CompletableFuture<PipelineResult> result) {
    PipelineResult stop() throws Exception {
      assertTrue(stylizer.stopAndWait(Duration.ofSeconds(30)), "the stylizer did not stop");
      return result.get(5, TimeUnit.SECONDS);
    }
  }

  private static Running start(
      KafkaSettings settings, SimpleMeterRegistry registry, PipelineListener listener) {
    return start(
        settings, registry, listener, new KafkaStylizer.Batching(4, Duration.ofMillis(20)));
  }

  private static Running start(
      KafkaSettings settings,
      SimpleMeterRegistry registry,
      PipelineListener listener,
      KafkaStylizer.Batching batching) {
    KafkaStylizer stylizer = new KafkaStylizer(settings, processor, registry, batching, listener);
    CompletableFuture<PipelineResult> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("kafka-stylizer-test")
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

  private KafkaSettings settings(String name) {
    return KafkaSettings.of(broker.bootstrap(), name + ".in", name + ".out")
        .withGroupId(name + ".group")
        .withCommitInterval(Duration.ofMillis(200));
  }

  private static String unique(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static BufferedImage decode(byte[] bytes) throws Exception {
    return ImageFiles.decode(bytes, Long.MAX_VALUE);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return FrameHeaders.text(record.headers(), name);
  }

  /** The output grouped by stream, in topic order. */
  private static Map<String, List<ConsumerRecord<String, byte[]>>> byStream(
      List<ConsumerRecord<String, byte[]>> records) {
    Map<String, List<ConsumerRecord<String, byte[]>>> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static long[] indices(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream().mapToLong(r -> Long.parseLong(header(r, FrameHeaders.INDEX))).toArray();
  }

  private static long[] range(int n) {
    long[] out = new long[n];
    Arrays.setAll(out, i -> i);
    return out;
  }

  /** Every committed offset of the group equals the input's end offset. */
  private void assertAllCommitted(KafkaSettings s, int partitions) throws Exception {
    Map<TopicPartition, Long> end = KafkaFrames.endOffsets(broker, s.inputTopic(), partitions);
    Map<TopicPartition, Long> committed = KafkaFrames.committed(broker, s.groupId());
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (e.getValue() > 0) {
        assertEquals(e.getValue(), committed.get(e.getKey()), "committed offset of " + e.getKey());
      }
    }
  }

  @Test
  void interleavedStreamsKeepTheirOrderAndAreStylised() throws Exception {
    String name = unique("order");
    KafkaSettings s = settings(name);
    broker.createTopics(2, s.inputTopic(), s.outputTopic(), s.deadLetterTopic());
    int streams = 3;
    int frames = 6;
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < streams; c++) {
        records.add(KafkaFrames.frame(s.inputTopic(), c, i));
      }
    }
    KafkaFrames.produce(broker.bootstrap(), records);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Running running = start(s, registry, PipelineListener.NONE);
    List<ConsumerRecord<String, byte[]>> out =
        broker.read(s.outputTopic(), streams * frames, WAIT, false);
    PipelineResult result = running.stop();

    assertEquals(streams * frames, out.size(), "stylised frames on " + s.outputTopic());
    assertEquals(streams * frames, result.framesOut());
    Stylizer reference = new Stylizer(network);
    Map<String, List<ConsumerRecord<String, byte[]>>> byStream = byStream(out);
    assertEquals(streams, byStream.size());
    for (int c = 0; c < streams; c++) {
      List<ConsumerRecord<String, byte[]>> stream = byStream.get("cam" + c);
      assertNotNull(stream, "stream cam" + c);
      assertTrue(
          Arrays.equals(range(frames), indices(stream)),
          "order of cam" + c + ": " + Arrays.toString(indices(stream)));
      for (ConsumerRecord<String, byte[]> r : stream) {
        long index = Long.parseLong(header(r, FrameHeaders.INDEX));
        assertEquals(String.valueOf(index * 40_000), header(r, FrameHeaders.PTS));
        assertEquals(String.valueOf(WIDTH), header(r, FrameHeaders.WIDTH));
        assertEquals(String.valueOf(HEIGHT), header(r, FrameHeaders.HEIGHT));
        assertEquals("jpeg", header(r, FrameHeaders.ENCODING));
        BufferedImage input = decode(KafkaFrames.jpeg(KafkaFrames.picture(c, index)));
        BufferedImage expected = reference.stylize(input, OPTIONS);
        BufferedImage actual = decode(r.value());
        double diff = KafkaFrames.meanAbsDiff(actual, expected);
        assertTrue(
            diff < TOLERANCE, "cam" + c + " #" + index + " differs from its reference by " + diff);
        double change = KafkaFrames.meanAbsDiff(actual, input);
        assertTrue(change > 3 * TOLERANCE, "cam" + c + " #" + index + " barely changed: " + change);
      }
    }
    assertAllCommitted(s, 2);
    assertEquals(streams * frames, registry.get(KafkaMetrics.RECORDS_ACKED).counter().count());
  }

  @Test
  void malformedRecordsGoToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
    String name = unique("dlq");
    KafkaSettings s = settings(name);
    broker.createTopics(1, s.inputTopic(), s.outputTopic(), s.deadLetterTopic());
    String in = s.inputTopic();
    byte[] good = KafkaFrames.jpeg(KafkaFrames.picture(0, 0));
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    records.add(KafkaFrames.frame(in, 0, 0));
    // a JPEG cut short
    records.add(
        new ProducerRecord<>(
            in,
            null,
            "cam0",
            Arrays.copyOf(good, good.length / 3),
            KafkaFrames.headers(1, 0, WIDTH, HEIGHT, "jpeg")));
    records.add(KafkaFrames.frame(in, 0, 1));
    // no index header
    ProducerRecord<String, byte[]> noIndex = KafkaFrames.frame(in, 0, 2);
    noIndex.headers().remove(FrameHeaders.INDEX);
    records.add(noIndex);
    records.add(KafkaFrames.frame(in, 0, 2));
    // headers say another size
    records.add(
        new ProducerRecord<>(in, null, "cam0", good, KafkaFrames.headers(3, 0, 32, 32, "jpeg")));
    records.add(KafkaFrames.frame(in, 0, 3));
    // raw RGB of the wrong length
    records.add(
        new ProducerRecord<>(
            in, null, "cam0", new byte[100], KafkaFrames.headers(4, 0, WIDTH, HEIGHT, "rgb")));
    // no stream id
    records.add(
        new ProducerRecord<>(
            in, null, (String) null, good, KafkaFrames.headers(4, 0, WIDTH, HEIGHT, "jpeg")));
    records.add(KafkaFrames.frame(in, 0, 4));
    KafkaFrames.produce(broker.bootstrap(), records);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Running running = start(s, registry, PipelineListener.NONE);
    List<ConsumerRecord<String, byte[]>> out = broker.read(s.outputTopic(), 5, WAIT, false);
    List<ConsumerRecord<String, byte[]>> dead = broker.read(s.deadLetterTopic(), 5, WAIT, false);
    PipelineResult result = running.stop();

    assertTrue(
        Arrays.equals(range(5), indices(out)),
        "frames after the bad ones: " + Arrays.toString(indices(out)));
    assertEquals(5, dead.size());
    assertEquals(5, result.decodeErrors());
    List<String> kinds = dead.stream().map(r -> header(r, FrameHeaders.DLQ_KIND)).toList();
    assertEquals(List.of("decode", "header", "size", "size", "key"), kinds);
    List<String> reasons = dead.stream().map(r -> header(r, FrameHeaders.DLQ_REASON)).toList();
    assertTrue(reasons.get(0).startsWith("jpeg value does not decode"), reasons.get(0));
    assertEquals("missing header frame.index", reasons.get(1));
    assertEquals("headers say 32x32, the image is 64x48", reasons.get(2));
    assertTrue(reasons.get(3).startsWith("rgb value of 100 bytes"), reasons.get(3));
    assertTrue(reasons.get(4).contains("no stream id"), reasons.get(4));
    assertEquals(in + "-0@1", header(dead.get(0), FrameHeaders.DLQ_SOURCE));
    assertTrue(
        Arrays.equals(Arrays.copyOf(good, good.length / 3), dead.get(0).value()),
        "the dead letter keeps the value");
    assertEquals("cam0", dead.get(0).key());
    assertEquals(
        1, registry.get(KafkaMetrics.DEAD_LETTERS).tag("kind", "decode").counter().count());
    assertEquals(2, registry.get(KafkaMetrics.DEAD_LETTERS).tag("kind", "size").counter().count());
    assertAllCommitted(s, 1);
  }

  @Test
  void offsetsAreCommittedOnlyAfterTheOutputIsAcknowledged() throws Exception {
    String name = unique("ack");
    // The output topic does not exist yet (and the broker does not create topics): no send is
    // acknowledged, the run fails, and no offset may be committed.
    KafkaSettings s = settings(name).withDeliveryTimeout(Duration.ofSeconds(3));
    broker.createTopics(1, s.inputTopic(), s.deadLetterTopic());
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      records.add(KafkaFrames.frame(s.inputTopic(), 1, i));
    }
    KafkaFrames.produce(broker.bootstrap(), records);

    Running failing = start(s, new SimpleMeterRegistry(), PipelineListener.NONE);
    ExecutionException failed =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class,
            () -> failing.result().get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertInstanceOf(java.io.IOException.class, failed.getCause(), failed.getCause().toString());
    Long committed =
        KafkaFrames.committed(broker, s.groupId()).get(new TopicPartition(s.inputTopic(), 0));
    assertTrue(
        committed == null || committed == 0,
        "committed " + committed + " with nothing acknowledged");

    // Restarted with the topic there: every frame comes through, once.
    broker.createTopics(1, s.outputTopic());
    Running second = start(s, new SimpleMeterRegistry(), PipelineListener.NONE);
    List<ConsumerRecord<String, byte[]>> out = broker.read(s.outputTopic(), 6, WAIT, false);
    second.stop();
    assertTrue(Arrays.equals(range(6), indices(out)), Arrays.toString(indices(out)));
    assertAllCommitted(s, 1);
  }

  @Test
  void aStoppedConsumerCommitsWhatWasAcknowledgedAndARestartLosesNothing() throws Exception {
    String name = unique("restart");
    KafkaSettings s = settings(name);
    broker.createTopics(1, s.inputTopic(), s.outputTopic(), s.deadLetterTopic());
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(KafkaFrames.frame(s.inputTopic(), 2, i));
    }
    KafkaFrames.produce(broker.bootstrap(), records);

    AtomicReference<KafkaStylizer> first = new AtomicReference<>();
    Running running =
        start(
            s,
            new SimpleMeterRegistry(),
            (frame, written) -> {
              if (written == 3) {
                first.get().stop();
              }
            },
            // one frame at a time: few frames in flight when it stops
            new KafkaStylizer.Batching(1, Duration.ZERO));
    first.set(running.stylizer());
    PipelineResult stopped = running.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    long done = stopped.framesOut();
    assertTrue(done >= 3 && done < 30, "the first run wrote " + done);
    assertEquals(
        done,
        KafkaFrames.committed(broker, s.groupId()).get(new TopicPartition(s.inputTopic(), 0)));

    Running second = start(s, new SimpleMeterRegistry(), PipelineListener.NONE);
    List<ConsumerRecord<String, byte[]>> out = broker.read(s.outputTopic(), 30, WAIT, false);
    PipelineResult rest = second.stop();
    assertEquals(30 - done, rest.framesOut());
    assertTrue(
        Arrays.equals(range(30), indices(out)),
        "no frame lost or repeated: " + Arrays.toString(indices(out)));
    assertAllCommitted(s, 1);
  }

  @Test
  void exactlyOnceCommitsOutputsDeadLettersAndOffsetsInTransactions() throws Exception {
    String name = unique("eos");
    KafkaSettings s = settings(name).withExactlyOnce(true);
    broker.createTopics(2, s.inputTopic(), s.outputTopic(), s.deadLetterTopic());
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(KafkaFrames.frame(s.inputTopic(), 0, i));
      records.add(KafkaFrames.frame(s.inputTopic(), 1, i));
    }
    records.add(
        new ProducerRecord<>(
            s.inputTopic(),
            null,
            "cam0",
            new byte[] {1, 2, 3},
            KafkaFrames.headers(9, 0, WIDTH, HEIGHT, "png")));
    KafkaFrames.produce(broker.bootstrap(), records);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Running running = start(s, registry, PipelineListener.NONE);
    List<ConsumerRecord<String, byte[]>> out = broker.read(s.outputTopic(), 10, WAIT, true);
    List<ConsumerRecord<String, byte[]>> dead = broker.read(s.deadLetterTopic(), 1, WAIT, true);
    running.stop();

    Map<String, List<ConsumerRecord<String, byte[]>>> byStream = byStream(out);
    assertTrue(
        Arrays.equals(range(5), indices(byStream.get("cam0"))),
        Arrays.toString(indices(byStream.get("cam0"))));
    assertTrue(
        Arrays.equals(range(5), indices(byStream.get("cam1"))),
        Arrays.toString(indices(byStream.get("cam1"))));
    assertEquals(1, dead.size());
    assertEquals("decode", header(dead.get(0), FrameHeaders.DLQ_KIND));
    assertTrue(registry.get(KafkaMetrics.COMMITS).counter().count() >= 1);
    assertAllCommitted(s, 2);
  }
}
