package dev.restyle.serve;

import static dev.restyle.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.ingest.kafka.FrameEncoding;
import dev.restyle.ingest.kafka.FrameHeaders;
import dev.restyle.ingest.kafka.KafkaBroker;
import dev.restyle.ingest.kafka.KafkaBrokerExtension;
import dev.restyle.ingest.kafka.KafkaFrameWriter;
import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.ingest.source.VideoFileSource;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kafka} pipeline kind against a real broker: started with POST /api/pipelines, fed with
 * {@link KafkaFrameWriter} (what {@code restyle kafka-send} uses), stylised frames read back, live
 * metrics in its status, stopped with DELETE and its offsets committed.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaPipelineTest {
  private static final SampleClip.Spec SPEC = new SampleClip.Spec(64, 48, 10, 8, 0);

  @TempDir static Path work;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(ServeConfig.defaults(), work);
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  private static HttpResponse<byte[]> startPipeline(Map<String, String> options) throws Exception {
    ObjectNode body = TestServer.JSON.createObjectNode().put("kind", "kafka");
    ObjectNode o = body.putObject("options");
    options.forEach(o::put);
    return t.post(
        "/api/pipelines",
        "application/json",
        TestServer.JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void stylisesATopicUntilDeleted(KafkaBroker broker) throws Exception {
    String name = "serve-" + UUID.randomUUID().toString().substring(0, 8);
    broker.createTopics(1, name + ".frames");
    HttpResponse<byte[]> created =
        startPipeline(
            Map.of(
                "bootstrap",
                broker.bootstrap(),
                "in",
                name + ".frames",
                "out",
                name + ".styled",
                "group",
                name,
                "style",
                "starry_night"));
    assertEquals(202, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
    String id = json(created).path("id").asText();
    assertEquals("kafka", json(created).path("kind").asText());

    Path clip = work.resolve(name + ".mp4");
    SampleClip.write(clip, SPEC);
    try (VideoFileSource source = VideoFileSource.open(clip, "cam1");
        KafkaFrameWriter writer =
            new KafkaFrameWriter(broker.bootstrap(), name + ".frames", FrameEncoding.PNG)) {
      assertEquals(8, writer.sendAll(source, "cam1", null, n -> {}));
    }

    List<ConsumerRecord<String, byte[]>> out =
        broker.read(name + ".styled", 8, Duration.ofSeconds(60), false);
    assertEquals(8, out.size());
    for (int i = 0; i < out.size(); i++) {
      ConsumerRecord<String, byte[]> r = out.get(i);
      assertEquals("cam1", r.key());
      assertEquals(i, Long.parseLong(FrameHeaders.text(r.headers(), FrameHeaders.INDEX)));
      assertEquals("png", FrameHeaders.text(r.headers(), FrameHeaders.ENCODING));
      BufferedImage styled = ImageFiles.decode(r.value(), 1 << 20);
      assertEquals(64, styled.getWidth());
      double diff = meanAbsDiff(styled, SampleClip.frame(SPEC, i));
      assertTrue(diff > 10, "frame " + i + " does not look stylised: mean difference " + diff);
    }

    JsonNode status = json(t.get("/api/pipelines/" + id));
    assertEquals("RUNNING", status.path("state").asText(), status.toString());
    assertEquals(8, status.path("progress").path("framesOut").asLong(), status.toString());
    assertEquals(-1, status.path("progress").path("expectedFrames").asLong());
    assertTrue(status.path("metrics").path("batches").asLong() >= 1, status.toString());
    JsonNode list = json(t.get("/api/pipelines"));
    assertTrue(list.toString().contains("\"name\":\"rtsp\""), list.toString());
    assertTrue(list.toString().contains("\"id\":\"" + id + "\""), list.toString());

    assertEquals(204, t.delete("/api/pipelines/" + id).statusCode());
    assertEquals(404, t.get("/api/pipelines/" + id).statusCode());
    try (Admin admin = broker.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(name).partitionsToOffsetAndMetadata().get();
      assertEquals(8, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());
    }
  }

  @Test
  void badOptionsAreA400() throws Exception {
    HttpResponse<byte[]> missing =
        startPipeline(Map.of("bootstrap", "127.0.0.1:9", "out", "b", "style", "starry_night"));
    assertEquals(400, missing.statusCode());
    assertTrue(
        json(missing).toString().contains("'in' option is missing"), json(missing).toString());

    HttpResponse<byte[]> same =
        startPipeline(
            Map.of("bootstrap", "127.0.0.1:9", "in", "a", "out", "a", "style", "starry_night"));
    assertEquals(400, same.statusCode());
    assertTrue(json(same).toString().contains("must differ"), json(same).toString());

    HttpResponse<byte[]> unknown =
        startPipeline(Map.of("in", "a", "out", "b", "topic", "c", "style", "starry_night"));
    assertEquals(400, unknown.statusCode());
    assertTrue(json(unknown).toString().contains("unknown options"), json(unknown).toString());
  }

  private static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }
}
