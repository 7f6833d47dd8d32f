package dev.restyle.ingest.kafka;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.source.FrameSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames from a Kafka topic, for a {@link dev.restyle.ingest.pipeline.Pipeline}: runs on the
 * pipeline's source thread, which owns the consumer. Each record handed on becomes a frame (with a
 * {@link FrameTicket} queued for the sink, in the same order) or, if malformed, a dead letter.
 * Every {@link KafkaSettings#commitInterval()} it commits what is safe through the {@link
 * FramePublisher}. On a rebalance it waits for the frames in flight from the revoked partitions,
 * commits them and drops its buffered records of those partitions (the new owner fetches them from
 * the commit). {@link #stop()} ends the stream: {@link #read()} returns {@code null} and the
 * pipeline drains.
 */
public final class KafkaFrameSource implements FrameSource {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaFrameSource.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Consumer<String, byte[]> consumer;
  private final FramePublisher publisher;
  private final OffsetLedger ledger;
  private final KafkaMetrics metrics;
  private final KafkaSettings settings;
  private final Queue<FrameTicket> tickets;
  private final StreamInfo info;
  private final ArrayDeque<ConsumerRecord<String, byte[]>> buffer = new ArrayDeque<>();
  private final AtomicLong deadLetters = new AtomicLong();
  private volatile boolean stopped;
  private volatile boolean closing;
  private long lastCommit = System.nanoTime();

  /**
   * @param tickets where a ticket for each frame handed on goes, for the sink (thread-safe)
   */
  public KafkaFrameSource(
      Consumer<String, byte[]> consumer,
      FramePublisher publisher,
      OffsetLedger ledger,
      KafkaMetrics metrics,
      KafkaSettings settings,
      Queue<FrameTicket> tickets) {
    this.consumer = consumer;
    this.publisher = publisher;
    this.ledger = ledger;
    this.metrics = metrics;
    this.settings = settings;
    this.tickets = tickets;
    this.info = info("kafka:" + settings.inputTopic());
    consumer.subscribe(List.of(settings.inputTopic()), new Rebalance());
  }

  @Override
  public StreamInfo info() {
    return info;
  }

  /** What is known of a topic's frames before any arrive: not their size (each record says). */
  static StreamInfo info(String streamId) {
    return new StreamInfo(streamId, 0, 0, 25, -1, -1, "frames", Optional.empty(), 0);
  }

  /** Ends the stream: the next {@link #read()} returns {@code null}. Any thread. */
  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public Frame read() throws IOException {
    while (!stopped) {
      publisher.throwIfFailed();
      if (System.nanoTime() - lastCommit >= settings.commitInterval().toNanos()) {
        commit();
      }
      ConsumerRecord<String, byte[]> record = buffer.poll();
      if (record == null) {
        consumer.poll(POLL).forEach(buffer::add);
        continue;
      }
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      ledger.take(partition, record.offset());
      metrics.recordIn();
      try {
        Frame frame =
            FrameCodec.decode(record.key(), record.headers(), record.value(), System.nanoTime());
        tickets.add(
            new FrameTicket(
                partition,
                record.offset(),
                frame.streamId(),
                frame.index(),
                FrameCodec.encoding(record.headers())));
        return frame;
      } catch (MalformedFrameException e) {
        deadLetter(record, partition, e);
      }
    }
    return null;
  }

  private void deadLetter(
      ConsumerRecord<String, byte[]> record, TopicPartition partition, MalformedFrameException e)
      throws IOException {
    deadLetters.incrementAndGet();
    metrics.deadLetter(e.kind());
    LOG.warn(
        "{} (stream {}) to {}: {}",
        DeadLetters.source(record),
        record.key(),
        settings.deadLetterTopic(),
        e.reason());
    publisher.send(
        DeadLetters.of(record, e, settings.deadLetterTopic()),
        new FrameTicket(partition, record.offset(), record.key(), -1, FrameEncoding.RGB));
  }

  /** Commits what is safe now; on the consumer's thread. */
  public void commit() throws IOException {
    lastCommit = System.nanoTime();
    publisher.commit(consumer);
  }

  /** Malformed records sent to the dead-letter topic so far. */
  @Override
  public long decodeErrors() {
    return deadLetters.get();
  }

  /** Closes the consumer (leaving the group); commit first. */
  @Override
  public void close() {
    closing = true;
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (revoked.isEmpty()) {
        return;
      }
      buffer.removeIf(r -> revoked.contains(new TopicPartition(r.topic(), r.partition())));
      if (closing) {
        // The pipeline has ended and everything safe is committed: nothing more will complete.
        ledger.forget(revoked);
        return;
      }
      try {
        if (!publisher.failed() && !ledger.awaitDone(revoked, settings.drainTimeout().toMillis())) {
          LOG.warn(
              "frames of {} still in flight after {}: the new owner will repeat them",
              revoked,
              settings.drainTimeout());
        }
        commit();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        LOG.error("commit on revocation of {} failed: {}", revoked, e.getMessage());
      }
      ledger.forget(revoked);
      LOG.info("partitions revoked: {}", revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      buffer.removeIf(r -> lost.contains(new TopicPartition(r.topic(), r.partition())));
      ledger.forget(lost);
      LOG.warn("partitions lost (their frames in flight will be repeated elsewhere): {}", lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      if (!assigned.isEmpty()) {
        LOG.info("partitions assigned: {}", assigned);
      }
    }
  }
}
