package dev.restyle.ingest.kafka;

import static dev.restyle.ingest.kafka.KafkaFrames.HEIGHT;
import static dev.restyle.ingest.kafka.KafkaFrames.WIDTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.ingest.inference.StylizeProcessor;
import dev.restyle.ingest.pipeline.PipelineResult;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bad input among good frames, on one partition so each record's offset is its place in the list:
 * JPEGs cut short, JPEGs with random bytes flipped (fixed seed), wrong and missing headers, empty
 * and null values, no key. Each bad record is either a dead letter naming its offset or (a flipped
 * JPEG that still decodes) a frame in its place; every good frame arrives, in order; the counters
 * agree; the stream never stops.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBadInputTest {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBadInputTest.class);
  private static final long SEED = 20261125L;
  private static final int GOOD = 24;
  private static final int FLIPPED = 40;
  private static final int CUT = 6;

  /** A bad record and the dead-letter kind it must get (null: a decodable flip may pass). */
  private record Bad(ProducerRecord<String, byte[]> record, String kind) {}

  private static Headers headers(long index) {
    return KafkaFrames.headers(index, index * 40_000, WIDTH, HEIGHT, "jpeg");
  }

  private static List<Bad> wrongHeadersAndValues(String in) {
    byte[] good = KafkaFrames.jpeg(KafkaFrames.picture(5, 0));
    List<Bad> bad = new ArrayList<>();
    Headers h = headers(0);
    h.remove(FrameHeaders.INDEX);
    h.add(FrameHeaders.INDEX, "abc".getBytes(StandardCharsets.UTF_8));
    bad.add(new Bad(new ProducerRecord<>(in, null, "bad", good, h), "header"));
    bad.add(new Bad(new ProducerRecord<>(in, null, "bad", good, headers(-3)), "header"));
    h = headers(0);
    h.remove(FrameHeaders.ENCODING);
    h.add(FrameHeaders.ENCODING, "webp".getBytes(StandardCharsets.UTF_8));
    bad.add(new Bad(new ProducerRecord<>(in, null, "bad", good, h), "header"));
    h = headers(0);
    h.remove(FrameHeaders.WIDTH);
    bad.add(new Bad(new ProducerRecord<>(in, null, "bad", good, h), "header"));
    // sides whose product overflows a long to 0
    h = headers(0);
    h.remove(FrameHeaders.WIDTH);
    h.remove(FrameHeaders.HEIGHT);
    h.add(FrameHeaders.WIDTH, FrameHeaders.bytes(1L << 33));
    h.add(FrameHeaders.HEIGHT, FrameHeaders.bytes(1L << 31));
    bad.add(new Bad(new ProducerRecord<>(in, null, "bad", good, h), "header"));
    h = headers(0);
    h.remove(FrameHeaders.INDEX);
    h.add(FrameHeaders.INDEX, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    bad.add(new Bad(new ProducerRecord<>(in, null, "bad", good, h), "header"));
    h = headers(0);
    h.remove(FrameHeaders.ENCODING);
    h.add(FrameHeaders.ENCODING, "rgb".getBytes(StandardCharsets.UTF_8));
    bad.add(new Bad(new ProducerRecord<>(in, null, "bad", good, h), "size"));
    bad.add(new Bad(new ProducerRecord<>(in, null, "bad", new byte[0], headers(0)), "decode"));
    bad.add(new Bad(new ProducerRecord<>(in, null, "bad", (byte[]) null, headers(0)), "decode"));
    bad.add(new Bad(new ProducerRecord<>(in, null, "  ", good, headers(0)), "key"));
    bad.add(new Bad(new ProducerRecord<>(in, null, (String) null, good, headers(0)), "key"));
    bad.add(
        new Bad(
            new ProducerRecord<>(
                in,
                null,
                "bad",
                good,
                new org.apache.kafka.common.header.internals.RecordHeaders()),
            "header"));
    return bad;
  }

  @Test
  void everyBadRecordIsADeadLetterOrAFrameAndEveryGoodFrameArrives(KafkaBroker broker)
      throws Exception {
    String name = "bad-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaSettings s =
        KafkaSettings.of(broker.bootstrap(), name + ".in", name + ".out")
            .withGroupId(name)
            .withCommitInterval(Duration.ofMillis(200));
    broker.createTopics(1, s.inputTopic(), s.outputTopic(), s.deadLetterTopic());
    String in = s.inputTopic();
    Random random = new Random(SEED);

    List<Bad> bad = new ArrayList<>(wrongHeadersAndValues(in));
    for (int i = 0; i < CUT; i++) {
      byte[] jpeg = KafkaFrames.jpeg(KafkaFrames.picture(3, i));
      byte[] cut = Arrays.copyOf(jpeg, 1 + random.nextInt(jpeg.length - 200));
      bad.add(new Bad(new ProducerRecord<>(in, null, "cut", cut, headers(i)), "decode"));
    }
    for (int i = 0; i < FLIPPED; i++) {
      byte[] jpeg = KafkaFrames.jpeg(KafkaFrames.picture(4, i));
      int flips = 1 + random.nextInt(6);
      for (int f = 0; f < flips; f++) {
        jpeg[random.nextInt(jpeg.length)] ^= (byte) (1 << random.nextInt(8));
      }
      bad.add(new Bad(new ProducerRecord<>(in, null, "flip", jpeg, headers(i)), null));
    }
    // Good frames of cam0 spread among the bad records, at fixed places.
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    Map<Integer, Bad> badAt = new HashMap<>();
    int nextGood = 0;
    for (int i = 0; i < bad.size(); i++) {
      if (i % 3 == 0 && nextGood < GOOD) {
        records.add(KafkaFrames.frame(in, 0, nextGood++));
      }
      badAt.put(records.size(), bad.get(i));
      records.add(bad.get(i).record());
    }
    while (nextGood < GOOD) {
      records.add(KafkaFrames.frame(in, 0, nextGood++));
    }
    KafkaFrames.produce(broker.bootstrap(), records);

    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    PipelineResult result;
    List<ConsumerRecord<String, byte[]>> dead;
    List<ConsumerRecord<String, byte[]>> out;
    try (StyleNetwork network = KafkaFrames.gentleRandomNetwork()) {
      KafkaFaults.Running running =
          KafkaFaults.Running.start(s, StylizeProcessor.of(network, KafkaFaults.OPTIONS), registry);
      // Wait for every record to be handled: the last good frame out and everything committed.
      Duration wait = Duration.ofSeconds(60);
      out = KafkaFaults.readUntil(broker, s.outputTopic(), GOOD, wait, false);
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline
          && !Long.valueOf(records.size())
              .equals(
                  KafkaFrames.committed(broker, s.groupId())
                      .get(new org.apache.kafka.common.TopicPartition(in, 0)))) {
        Thread.sleep(200);
      }
      assertTrue(running.stylizer().stopAndWait(Duration.ofSeconds(30)), "did not stop");
      result = running.result().get(5, TimeUnit.SECONDS);
      out = KafkaFaults.readUntil(broker, s.outputTopic(), GOOD, wait, false);
      dead = broker.read(s.deadLetterTopic(), 1, Duration.ofSeconds(10), false);
    }

    // Every good frame, in order, once.
    Map<String, List<Long>> streams = Deliveries.byStream(out);
    List<Long> cam0 = streams.get("cam0");
    assertNotNull(cam0, "no good frame came out");
    List<Long> want = new ArrayList<>();
    for (long i = 0; i < GOOD; i++) {
      want.add(i);
    }
    assertEquals(want, cam0, "good frames of cam0");

    // Every bad record: a dead letter naming its offset, with a reason, or a frame in its place.
    Map<Long, ConsumerRecord<String, byte[]>> deadByOffset = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> d : dead) {
      String source = FrameHeaders.text(d.headers(), FrameHeaders.DLQ_SOURCE);
      assertTrue(source.startsWith(in + "-0@"), source);
      long offset = Long.parseLong(source.substring(source.indexOf('@') + 1));
      assertEquals(null, deadByOffset.put(offset, d), "two dead letters for offset " + offset);
      String reason = FrameHeaders.text(d.headers(), FrameHeaders.DLQ_REASON);
      assertTrue(reason != null && !reason.isBlank() && !reason.contains("\n"), reason);
    }
    List<Long> flippedOut = streams.getOrDefault("flip", List.of());
    assertTrue(
        flippedOut.equals(flippedOut.stream().sorted().distinct().toList()),
        "flipped frames that decoded, in order: " + flippedOut);
    int flippedDead = 0;
    for (Map.Entry<Integer, Bad> e : badAt.entrySet()) {
      long offset = e.getKey();
      Bad b = e.getValue();
      ConsumerRecord<String, byte[]> d = deadByOffset.get(offset);
      String what = "record " + offset + " (" + b.record().key() + ")";
      if (b.kind() != null) {
        assertNotNull(d, what + " is not a dead letter");
        assertEquals(b.kind(), FrameHeaders.text(d.headers(), FrameHeaders.DLQ_KIND), what);
        assertTrue(
            Arrays.equals(b.record().value(), d.value())
                || (b.record().value() == null && d.value() == null),
            what + ": the dead letter keeps the value");
      } else {
        long index = Long.parseLong(FrameHeaders.text(b.record().headers(), FrameHeaders.INDEX));
        boolean cameOut = flippedOut.contains(index);
        assertTrue(cameOut != (d != null), what + ": out " + cameOut + ", dead letter " + d);
        if (d != null) {
          flippedDead++;
        }
      }
    }
    assertEquals(badAt.size(), dead.size() + flippedOut.size(), "bad records accounted for");
    assertFalse(
        streams.containsKey("bad") || streams.containsKey("cut"),
        "streams out: " + streams.keySet());

    // The counters agree with the topics.
    double counted =
        registry.get(KafkaMetrics.DEAD_LETTERS).counters().stream()
            .mapToDouble(Counter::count)
            .sum();
    assertEquals(dead.size(), (long) counted, "restyle.kafka.dead.letters");
    assertEquals(dead.size(), result.decodeErrors());
    assertEquals(records.size(), (long) registry.get(KafkaMetrics.RECORDS_IN).counter().count());
    assertEquals(GOOD + flippedOut.size(), result.framesOut());
    LOG.info(
        "{} records: {} good frames out, {} dead letters ({} of {} flipped JPEGs), {} flipped"
            + " JPEGs decoded",
        records.size(),
        GOOD,
        dead.size(),
        flippedDead,
        FLIPPED,
        flippedOut.size());
  }
}
