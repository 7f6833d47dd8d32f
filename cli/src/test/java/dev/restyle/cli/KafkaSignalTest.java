package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.ChildJvm;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.kafka.Deliveries;
import dev.restyle.ingest.kafka.FrameCodec;
import dev.restyle.ingest.kafka.FrameEncoding;
import dev.restyle.ingest.kafka.KafkaBroker;
import dev.restyle.ingest.kafka.KafkaBrokerExtension;
import dev.restyle.ingest.kafka.KafkaFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code restyle kafka} as a process of its own, signalled in the middle of a live stream (frames
 * keep arriving at 25 a second): SIGTERM finishes, publishes and commits the frames in flight and
 * exits within a bound; a restarted consumer takes over with nothing lost and nothing repeated.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaSignalTest {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSignalTest.class);
  private static final int STREAMS = 2;
  private static final int FRAMES = 120;
  private static final Duration EXIT_BOUND = Duration.ofSeconds(20);

  @RegisterExtension static final TemporaryHome HOME = new TemporaryHome("tiny");
  @TempDir Path dir;

  /** Stream {@code stream}'s frame {@code index}: 64x48, a pattern that moves with the index. */
  private static ProducerRecord<String, byte[]> frame(String topic, int stream, long index) {
    byte[] rgb = new byte[64 * 48 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (i * (stream + 3) + index * 11);
    }
    Frame frame = new Frame("cam" + stream, index, index * 40_000, 64, 48, rgb, 0);
    return new ProducerRecord<>(
        topic,
        null,
        frame.streamId(),
        FrameCodec.encode(frame, FrameEncoding.JPEG),
        FrameCodec.headers(frame, FrameEncoding.JPEG));
  }

  /** Sends the streams interleaved, one frame of each every 40 ms, on a thread of its own. */
  private static CompletableFuture<Void> liveStreams(String bootstrap, String topic) {
    Properties p = KafkaBroker.producerProperties(bootstrap);
    return CompletableFuture.runAsync(
        () -> {
          try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < FRAMES; i++) {
              for (int c = 0; c < STREAMS; c++) {
                producer.send(frame(topic, c, i));
              }
              Thread.sleep(40);
            }
            producer.flush();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /** {@code restyle kafka} in a child JVM with the tiny style; its output goes to {@code log}. */
  private Process restyleKafka(KafkaBroker broker, String name, Path log) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                ChildJvm.command(
                    "512m", Main.class, kafkaArgs(broker, name, "--commit-interval-ms", "200")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("RESTYLE_HOME", HOME.styles().getParent().toString());
    return builder.start();
  }

  /**
   * {@code restyle kafka} from NAME.in to NAME.out in group NAME with the tiny style and no stats
   * lines, then {@code extra}.
   */
  private static String[] kafkaArgs(KafkaBroker broker, String name, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "kafka",
                "--bootstrap",
                broker.bootstrap(),
                "--in",
                name + ".in",
                "--out",
                name + ".out",
                "--group",
                name,
                "--style",
                "tiny",
                "--stats-interval-s",
                "0"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private static long committedTotal(KafkaBroker broker, String group) throws Exception {
    try (Admin admin = broker.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }

  @Test
  void sigtermFinishesTheFramesInFlightCommitsAndARestartRepeatsNothing(KafkaBroker broker)
      throws Exception {
    String name = "sigterm-" + UUID.randomUUID().toString().substring(0, 8);
    broker.createTopics(STREAMS, name + ".in", name + ".out", name + ".in.dlq");
    CompletableFuture<Void> sending = liveStreams(broker.bootstrap(), name + ".in");
    Path log = dir.resolve("kafka.log");
    Process first = restyleKafka(broker, name, log);
    long signalled;
    try {
      List<ConsumerRecord<String, byte[]>> before =
          broker.read(name + ".out", 20, Duration.ofSeconds(90), false);
      assertTrue(first.isAlive(), "restyle kafka ended by itself:\n" + Files.readString(log));
      assertTrue(before.size() >= 20, "frames out before the signal: " + before.size());
      signalled = System.nanoTime();
      first.destroy(); // SIGTERM
      assertTrue(
          first.waitFor(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS),
          "no exit within " + EXIT_BOUND + " of SIGTERM:\n" + Files.readString(log));
    } finally {
      first.destroyForcibly();
    }
    long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
    String output = Files.readString(log);
    assertTrue(Set.of(0, 130, 143).contains(first.exitValue()), first.exitValue() + "\n" + output);
    assertTrue(output.contains("SIGTERM: finishing the frames in flight"), output);
    assertTrue(output.contains(name + ".in -> " + name + ".out: "), "summary:\n" + output);

    // What the first process published is a gap-free start of each stream, all of it committed.
    List<ConsumerRecord<String, byte[]>> firstOut =
        broker.read(name + ".out", 1, Duration.ofSeconds(5), false);
    int published = firstOut.size();
    assertTrue(published >= 20 && published < STREAMS * FRAMES, "published: " + published);
    Map<String, Integer> prefix = new LinkedHashMap<>();
    Deliveries.byStream(firstOut).forEach((stream, indices) -> prefix.put(stream, indices.size()));
    Deliveries.assertExactlyOnce(firstOut, prefix);
    assertEquals(published, committedTotal(broker, name), "committed offsets after SIGTERM");

    // A restarted consumer finishes the streams: each frame once over both runs.
    sending.get(60, TimeUnit.SECONDS);
    CliRun rest =
        CliRun.of(
            kafkaArgs(broker, name, "--max-frames", String.valueOf(STREAMS * FRAMES - published)));
    assertEquals(0, rest.exitCode(), rest.err());
    List<ConsumerRecord<String, byte[]>> all =
        broker.read(name + ".out", STREAMS * FRAMES, Duration.ofSeconds(30), false);
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (int c = 0; c < STREAMS; c++) {
      expected.put("cam" + c, FRAMES);
    }
    Deliveries.assertExactlyOnce(all, expected);
    assertEquals(STREAMS * FRAMES, committedTotal(broker, name));
    LOG.info(
        "SIGTERM: exit {} after {} ms, {} frames published and committed by then; {} after the"
            + " restart",
        first.exitValue(),
        exitMillis,
        published,
        all.size() - published);
  }

  @Test
  @Tag("slow")
  void sigkillMidBatchLosesNothingWhenAnotherProcessTakesOver(KafkaBroker broker) throws Exception {
    String name = "sigkill-" + UUID.randomUUID().toString().substring(0, 8);
    broker.createTopics(STREAMS, name + ".in", name + ".out", name + ".in.dlq");
    CompletableFuture<Void> sending = liveStreams(broker.bootstrap(), name + ".in");
    Path log = dir.resolve("kafka.log");
    Process first = restyleKafka(broker, name, log);
    int before;
    try {
      before = broker.read(name + ".out", 20, Duration.ofSeconds(90), false).size();
      assertTrue(first.isAlive(), "restyle kafka ended by itself:\n" + Files.readString(log));
    } finally {
      first.destroyForcibly(); // SIGKILL
      first.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(before >= 20 && before < STREAMS * FRAMES, "frames out before the kill: " + before);
    sending.get(60, TimeUnit.SECONDS);

    // Another process of the group takes over once the dead one's session (10 s) has expired.
    long start = System.nanoTime();
    Process second = restyleKafka(broker, name, log);
    List<ConsumerRecord<String, byte[]>> all;
    try {
      all =
          KafkaFaults.readUntil(
              broker, name + ".out", STREAMS * FRAMES, Duration.ofSeconds(120), false);
      second.destroy();
      assertTrue(second.waitFor(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS), "no exit on SIGTERM");
    } finally {
      second.destroyForcibly();
    }
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (int c = 0; c < STREAMS; c++) {
      expected.put("cam" + c, FRAMES);
    }
    all = broker.read(name + ".out", all.size(), Duration.ofSeconds(30), false);
    long repeats = Deliveries.assertAtLeastOnce(all, expected);
    assertEquals(STREAMS * FRAMES, committedTotal(broker, name));
    LOG.info(
        "SIGKILL: {} frames out before, the second process finished in {} ms, {} repeated",
        before,
        (System.nanoTime() - start) / 1_000_000,
        repeats);
  }
}
