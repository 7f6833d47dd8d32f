package dev.restyle.ingest.kafka;

import ai.djl.Device;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Tensor;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Test frames, records and plain clients for the Kafka tests. */
final class KafkaFrames {
  static final int WIDTH = 64;
  static final int HEIGHT = 48;

  private KafkaFrames() {}

  /** A picture that differs per stream and per index (so a frame out of place stands out). */
  static BufferedImage picture(int stream, long index) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    Color a = Color.getHSBColor(stream * 0.31f, 0.8f, 0.9f);
    Color b = Color.getHSBColor(stream * 0.31f + 0.5f, 0.6f, 0.3f);
    g.setPaint(new GradientPaint(0, 0, a, WIDTH, HEIGHT, b));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setColor(Color.getHSBColor(index * 0.13f, 1f, 1f));
    int x = (int) (index * 7 % (WIDTH - 16));
    g.fillRect(x, 8 + (int) (index * 3 % (HEIGHT - 24)), 16, 16);
    g.dispose();
    return image;
  }

  static byte[] jpeg(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageFiles.write(image, "jpeg", out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  static Headers headers(long index, long pts, int width, int height, String encoding) {
    Headers h = new RecordHeaders();
    h.add(FrameHeaders.INDEX, FrameHeaders.bytes(index));
    h.add(FrameHeaders.PTS, FrameHeaders.bytes(pts));
    h.add(FrameHeaders.WIDTH, FrameHeaders.bytes(width));
    h.add(FrameHeaders.HEIGHT, FrameHeaders.bytes(height));
    h.add(FrameHeaders.ENCODING, FrameHeaders.bytes(encoding));
    return h;
  }

  /** A valid JPEG frame record of stream {@code "cam" + stream}. */
  static ProducerRecord<String, byte[]> frame(String topic, int stream, long index) {
    return new ProducerRecord<>(
        topic,
        null,
        "cam" + stream,
        jpeg(picture(stream, index)),
        headers(index, index * 40_000, WIDTH, HEIGHT, "jpeg"));
  }

  static void produce(String bootstrap, List<ProducerRecord<String, byte[]>> records) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaBroker.producerProperties(bootstrap))) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      records.forEach(r -> sent.add(producer.send(r)));
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("a test record was not written", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing", e);
    }
  }

  /** Committed offsets of a group, by partition (absent: none committed). */
  static Map<TopicPartition, Long> committed(KafkaBroker broker, String group) throws Exception {
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    try (var admin = broker.admin()) {
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .forEach((tp, o) -> out.put(tp, o == null ? null : o.offset()));
    }
    return out;
  }

  /** End offsets of a topic's partitions. */
  static Map<TopicPartition, Long> endOffsets(KafkaBroker broker, String topic, int partitions)
      throws Exception {
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    try (var admin = broker.admin()) {
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new LinkedHashMap<>();
      for (int i = 0; i < partitions; i++) {
        specs.put(new TopicPartition(topic, i), org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
      admin.listOffsets(specs).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
    }
    return out;
  }

  /**
   * A random network whose last layer is scaled down, so its output varies smoothly like a trained
   * style's and survives JPEG; half-strength keeps each frame's own picture visible.
   */
  static StyleNetwork gentleRandomNetwork() {
    Architecture architecture = new Architecture(0.25, 1);
    try (StyleNetwork random = StyleNetwork.initialise(architecture, Device.cpu(), 7)) {
      Map<String, Tensor> weights = new LinkedHashMap<>(random.weights());
      float[] out = weights.get("out.weight").data().clone();
      for (int i = 0; i < out.length; i++) {
        out[i] *= 0.3f;
      }
      weights.put("out.weight", new Tensor(weights.get("out.weight").shape(), out));
      return StyleNetwork.fromWeights(architecture, weights, Device.cpu());
    }
  }

  /** Mean absolute difference per channel value of two images of one size. */
  static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      return Double.MAX_VALUE;
    }
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          sum += Math.abs(((p >> s) & 255) - ((q >> s) & 255));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }
}
