package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.kafka.FrameHeaders;
import dev.restyle.ingest.kafka.KafkaBroker;
import dev.restyle.ingest.kafka.KafkaBrokerExtension;
import dev.restyle.ingest.sample.SampleClip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restyle kafka-send} then {@code restyle kafka} as a user runs them, against a real broker,
 * with a tiny random style in a temporary home.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaCommandTest {
  @RegisterExtension static final TemporaryHome HOME = new TemporaryHome("tiny");
  @TempDir Path dir;

  @Test
  void sendsAVideoToATopicAndStylisesItIntoAnother(KafkaBroker broker) throws Exception {
    String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    Path clip = dir.resolve("clip.mp4");
    SampleClip.write(clip, new SampleClip.Spec(64, 48, 10, 10, 0));

    CliRun sent =
        CliRun.of(
            "kafka-send",
            clip.toString(),
            "--bootstrap",
            broker.bootstrap(),
            "--topic",
            name + ".frames",
            "--stream",
            "cam9",
            "--partitions",
            "2");
    assertEquals(0, sent.exitCode(), sent.err());
    assertTrue(sent.out().contains("10 frames of 64x48 as jpeg, stream cam9"), sent.out());

    CliRun styled =
        CliRun.of(
            "kafka",
            "--bootstrap",
            broker.bootstrap(),
            "--in",
            name + ".frames",
            "--out",
            name + ".stylised",
            "--group",
            name,
            "--style",
            "tiny",
            "--max-frames",
            "10",
            "--stats-interval-s",
            "0");
    assertEquals(0, styled.exitCode(), styled.err());
    assertTrue(styled.out().contains("10 frames"), styled.out());
    assertTrue(styled.out().contains("0 dead letters"), styled.out());

    List<ConsumerRecord<String, byte[]>> out =
        broker.read(name + ".stylised", 10, Duration.ofSeconds(20), false);
    assertEquals(10, out.size());
    long[] indices = new long[10];
    for (int i = 0; i < out.size(); i++) {
      ConsumerRecord<String, byte[]> r = out.get(i);
      assertEquals("cam9", r.key());
      assertEquals("jpeg", FrameHeaders.text(r.headers(), FrameHeaders.ENCODING));
      assertEquals("64", FrameHeaders.text(r.headers(), FrameHeaders.WIDTH));
      indices[i] = Long.parseLong(FrameHeaders.text(r.headers(), FrameHeaders.INDEX));
    }
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, indices);
  }

  @Test
  void runsAYamlPipelineFromTopicToTopic(KafkaBroker broker) throws Exception {
    String name = "yaml-" + UUID.randomUUID().toString().substring(0, 8);
    Path clip = dir.resolve("clip.mp4");
    SampleClip.write(clip, new SampleClip.Spec(64, 48, 10, 6, 0));
    CliRun sent =
        CliRun.of(
            "kafka-send",
            clip.toString(),
            "--bootstrap",
            broker.bootstrap(),
            "--topic",
            name + ".frames",
            "--stream",
            "cam3");
    assertEquals(0, sent.exitCode(), sent.err());

    Path yaml = dir.resolve("kafka.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "source:",
            "  uri: kafka://" + broker.bootstrap() + "/" + name + ".frames?group=" + name,
            "sink:",
            "  uri: kafka://" + broker.bootstrap() + "/" + name + ".stylised?encoding=png",
            "style: {name: tiny}",
            "maxWait: 0ms",
            "stopAfter: 15s",
            ""));
    CliRun styled = CliRun.of("run", yaml.toString());
    assertEquals(0, styled.exitCode(), styled.err());
    assertTrue(styled.out().contains(": 6 frames in"), styled.out());

    List<ConsumerRecord<String, byte[]>> out =
        broker.read(name + ".stylised", 6, Duration.ofSeconds(20), false);
    assertEquals(6, out.size());
    for (int i = 0; i < out.size(); i++) {
      ConsumerRecord<String, byte[]> r = out.get(i);
      assertEquals("cam3", r.key());
      assertEquals("png", FrameHeaders.text(r.headers(), FrameHeaders.ENCODING));
      assertEquals(i, Long.parseLong(FrameHeaders.text(r.headers(), FrameHeaders.INDEX)));
    }
    // Every input offset was committed once its output was acknowledged.
    try (Admin admin = broker.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(name).partitionsToOffsetAndMetadata().get();
      assertEquals(6, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());
    }
  }

  @Test
  void kafkaPipelineConfigsAreChecked() throws Exception {
    Path config = Path.of(System.getProperty("user.dir")).getParent().resolve("config");
    CliRun ok = CliRun.of("run", "--check", config.resolve("pipeline-kafka.yaml").toString());
    assertEquals(0, ok.exitCode(), ok.err());

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        "source: {uri: 'kafka://127.0.0.1:9/in?grop=x'}\nsink: {uri: out.mp4}\nstyle: {name: tiny}\n");
    CliRun refused = CliRun.of("run", bad.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().contains("unknown option 'grop'"), refused.err());

    Files.writeString(
        bad,
        "source: {uri: 'kafka://127.0.0.1:9/in'}\nsink: {uri: out.mp4}\nstyle: {name: tiny}\n");
    refused = CliRun.of("run", bad.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(
        refused.err().contains("a kafka:// source pairs only with a kafka:// sink"), refused.err());

    Files.writeString(
        bad,
        "source: {uri: 'kafka://127.0.0.1:9/in', overflow: drop-oldest}\n"
            + "sink: {uri: 'kafka://127.0.0.2:9/out'}\nstyle: {name: tiny}\n");
    refused = CliRun.of("run", bad.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().contains("source.overflow must be block"), refused.err());

    Files.writeString(
        bad,
        "source: {uri: 'kafka://127.0.0.1:9/in'}\n"
            + "sink: {uri: 'kafka://127.0.0.2:9/out'}\nstyle: {name: tiny}\n");
    refused = CliRun.of("run", bad.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().contains("must name the same brokers"), refused.err());
  }

  @Test
  void badSettingsAreOneClearLine() {
    CliRun result =
        CliRun.of(
            "kafka",
            "--bootstrap",
            "nohost",
            "--in",
            "frames",
            "--out",
            "frames",
            "--style",
            "tiny");
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains("restyle kafka: bad Kafka settings"), result.err());
    assertTrue(result.err().contains("bootstrap: expected host:port"), result.err());
    assertTrue(result.err().contains("input topic: must differ"), result.err());
  }

  @Test
  void timeoutsAreChecked() {
    CliRun session = kafkaWith("--session-timeout-ms", "0");
    assertEquals(2, session.exitCode(), session.err());
    assertTrue(session.err().contains("session timeout: must be positive"), session.err());
    CliRun transaction = kafkaWith("--exactly-once", "--transaction-timeout-ms", "500");
    assertEquals(2, transaction.exitCode(), transaction.err());
    assertTrue(
        transaction.err().contains("transaction timeout: must be longer than the commit interval"),
        transaction.err());
  }

  private static CliRun kafkaWith(String... options) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "kafka",
                "--bootstrap",
                "127.0.0.1:9",
                "--in",
                "frames",
                "--out",
                "stylised",
                "--style",
                "tiny"));
    args.addAll(List.of(options));
    return CliRun.of(args.toArray(String[]::new));
  }
}
