package dev.restyle.ingest.kafka;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.source.FrameSource;
import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends the frames of a {@link FrameSource} (a video file) to a topic in the frame record format,
 * as one stream: for trying {@code restyle kafka} and for feeding it from files.
 */
public final class KafkaFrameWriter implements AutoCloseable {
  private final Producer<String, byte[]> producer;
  private final String topic;
  private final FrameEncoding encoding;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public KafkaFrameWriter(String bootstrap, String topic, FrameEncoding encoding) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "restyle-send");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    this.topic = topic;
    this.encoding = encoding;
  }

  /** Sends one frame (keyed by its stream id). */
  public void send(Frame frame) throws IOException {
    throwIfFailed();
    try {
      producer.send(
          new ProducerRecord<>(
              topic,
              null,
              frame.streamId(),
              FrameCodec.encode(frame, encoding),
              FrameCodec.headers(frame, encoding)),
          (metadata, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
    } catch (KafkaException e) {
      throw new IOException("cannot send to " + topic + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sends every frame of {@code source} under {@code streamId}, then waits for their
   * acknowledgement.
   *
   * @param pace if set, one frame per this interval (real time); otherwise as fast as it reads
   * @param progress told the number of frames sent after each
   * @return the frames sent
   */
  public long sendAll(FrameSource source, String streamId, Duration pace, LongConsumer progress)
      throws IOException, InterruptedException {
    long sent = 0;
    long start = System.nanoTime();
    Frame frame;
    while ((frame = source.read()) != null) {
      if (pace != null) {
        long due = start + sent * pace.toNanos();
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      send(
          new Frame(
              streamId,
              frame.index(),
              frame.ptsMicros(),
              frame.width(),
              frame.height(),
              frame.rgb(),
              frame.createdNanos()));
      progress.accept(++sent);
    }
    flush();
    return sent;
  }

  /** Waits for every frame sent to be acknowledged. */
  public void flush() throws IOException {
    producer.flush();
    throwIfFailed();
  }

  private void throwIfFailed() throws IOException {
    Exception e = failure.get();
    if (e != null) {
      throw new IOException("sending to " + topic + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
