package dev.restyle.ingest.kafka;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.source.FrameSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka input topic opened for a {@link dev.restyle.ingest.pipeline.Pipeline}, with the producer
 * its outputs, dead letters and commits go through: a {@link KafkaFrameSource} and the {@link
 * FramePublisher} and ticket queue it shares with its {@link #sink()}. Closing commits what is safe
 * (also after a failure or a cancel: acknowledged frames are not repeated), then closes the
 * consumer and the producer.
 */
public final class KafkaTopicSource implements FrameSource {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicSource.class);

  private final KafkaSettings settings;
  private final KafkaMetrics metrics;
  private final FramePublisher publisher;
  private final KafkaFrameSource frames;
  private final Queue<FrameTicket> tickets;
  private final StreamInfo info;
  private boolean closed;

  private KafkaTopicSource(
      KafkaSettings settings,
      KafkaMetrics metrics,
      FramePublisher publisher,
      KafkaFrameSource frames,
      Queue<FrameTicket> tickets,
      String streamId) {
    this.settings = settings;
    this.metrics = metrics;
    this.publisher = publisher;
    this.frames = frames;
    this.tickets = tickets;
    this.info = KafkaFrameSource.info(streamId);
  }

  /**
   * Connects: subscribes to the input topic and opens the producer (transactional when exactly
   * once). Meters go to {@code registry} ({@link KafkaMetrics}).
   *
   * @throws IOException if Kafka cannot be reached
   */
  public static KafkaTopicSource open(KafkaSettings settings, MeterRegistry registry)
      throws IOException {
    return open(settings, registry, "kafka:" + settings.inputTopic());
  }

  /**
   * Connects, with {@code streamId} as the id the pipeline's meters carry (each record's frame
   * keeps its own stream id, the record's key).
   */
  public static KafkaTopicSource open(
      KafkaSettings settings, MeterRegistry registry, String streamId) throws IOException {
    OffsetLedger ledger = new OffsetLedger();
    KafkaMetrics metrics = new KafkaMetrics(registry, settings.inputTopic(), ledger::pending);
    Queue<FrameTicket> tickets = new ConcurrentLinkedQueue<>();
    FramePublisher publisher = null;
    try {
      publisher =
          new FramePublisher(
              new KafkaProducer<>(settings.producerProperties()),
              settings.exactlyOnce(),
              ledger,
              metrics);
      KafkaFrameSource frames =
          new KafkaFrameSource(
              new KafkaConsumer<>(settings.consumerProperties()),
              publisher,
              ledger,
              metrics,
              settings,
              tickets);
      return new KafkaTopicSource(settings, metrics, publisher, frames, tickets, streamId);
    } catch (KafkaException e) {
      if (publisher != null) {
        publisher.close();
      }
      throw new IOException("Kafka at " + settings.bootstrap() + ": " + e.getMessage(), e);
    }
  }

  public KafkaSettings settings() {
    return settings;
  }

  public KafkaMetrics metrics() {
    return metrics;
  }

  /**
   * The sink for the stylised frames of this source, to {@link KafkaSettings#outputTopic()}: an
   * input record's offset is committed once its output is acknowledged.
   */
  public KafkaFrameSink sink() {
    return new KafkaFrameSink(
        publisher, tickets, settings.outputTopic(), settings.outputEncoding());
  }

  /** Ends the stream, from any thread: the next {@link #read()} returns {@code null}. */
  @Override
  public void stop() {
    frames.stop();
  }

  @Override
  public StreamInfo info() {
    return info;
  }

  @Override
  public Frame read() throws IOException {
    try {
      return frames.read();
    } catch (KafkaException e) {
      throw new IOException("Kafka at " + settings.bootstrap() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long decodeErrors() {
    return frames.decodeErrors();
  }

  /** Commits what is safe, leaves the group and closes the producer. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      frames.commit();
    } catch (IOException | KafkaException e) {
      LOG.warn("final commit failed: {}", e.getMessage());
    }
    try {
      frames.close();
    } finally {
      publisher.close();
    }
  }
}
