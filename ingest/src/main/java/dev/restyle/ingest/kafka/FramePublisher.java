package dev.restyle.ingest.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends output records (stylised frames and dead letters) and commits input offsets, in one of two
 * modes:
 *
 * <ul>
 *   <li><b>at least once</b>: an input record is done when the broker acknowledges its output;
 *       offsets are committed by the consumer up to the oldest record not yet done. A crash repeats
 *       at most the records since the last commit.
 *   <li><b>exactly once</b>: the producer is transactional; sends open a transaction, and a commit
 *       adds the input offsets to it ({@code sendOffsetsToTransaction}) and commits it, so outputs
 *       and offsets become visible together or not at all.
 * </ul>
 *
 * <p>Sends come from the pipeline's sink thread and the source thread (dead letters); commits from
 * the consumer's thread. Methods are synchronized so a transaction holds exactly the sends before
 * its commit. A failed send makes every later call throw.
 */
public final class FramePublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FramePublisher.class);

  private final Producer<String, byte[]> producer;
  private final boolean transactional;
  private final OffsetLedger ledger;
  private final KafkaMetrics metrics;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private boolean inTransaction;

  /** Takes over {@code producer}; initialises its transactions when {@code transactional}. */
  public FramePublisher(
      Producer<String, byte[]> producer,
      boolean transactional,
      OffsetLedger ledger,
      KafkaMetrics metrics) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.transactional = transactional;
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    if (transactional) {
      producer.initTransactions();
    }
  }

  /**
   * Sends {@code record}, the output of the input record {@code ticket} names.
   *
   * @throws IOException if this or an earlier send failed
   */
  public synchronized void send(ProducerRecord<String, byte[]> record, FrameTicket ticket)
      throws IOException {
    throwIfFailed();
    TopicPartition from = ticket.partition();
    long offset = ticket.offset();
    try {
      if (transactional && !inTransaction) {
        producer.beginTransaction();
        inTransaction = true;
      }
      long sent = System.nanoTime();
      producer.send(
          record,
          (metadata, e) -> {
            if (e != null) {
              metrics.sendFailed();
              if (failure.compareAndSet(null, e)) {
                LOG.error("sending to {} failed: {}", record.topic(), e.toString());
              }
            } else {
              metrics.acked(sent);
              if (!transactional) {
                ledger.done(from, offset);
              }
            }
          });
      if (transactional) {
        ledger.done(from, offset);
      }
    } catch (KafkaException e) {
      failure.compareAndSet(null, e);
      throw new IOException("cannot send to topic " + record.topic() + ": " + e.getMessage(), e);
    }
  }

  /** Waits until every record sent so far is acknowledged (or failed). */
  public void flush() throws IOException {
    try {
      producer.flush();
    } catch (KafkaException e) {
      failure.compareAndSet(null, e);
    }
    throwIfFailed();
  }

  /**
   * Commits what is safe: the consumer's offsets (at least once), or the open transaction with the
   * offsets in it (exactly once). Call on the consumer's thread.
   *
   * @throws IOException if a send failed or the transaction could not commit (it is aborted)
   */
  public synchronized void commit(Consumer<?, ?> consumer) throws IOException {
    long start = System.nanoTime();
    if (!transactional) {
      // Only acknowledged records are done: their offsets are safe to commit even after a failure.
      Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
      if (offsets.isEmpty()) {
        return;
      }
      try {
        consumer.commitSync(offsets);
        ledger.committed(offsets);
        metrics.committed(start);
        LOG.debug("committed {}", offsets);
      } catch (KafkaException e) {
        // A rebalance took the partitions: the new owner repeats from the last commit.
        LOG.warn(
            "offset commit failed, the records after the last commit will be repeated: {}",
            e.toString());
      }
      return;
    }
    throwIfFailed();
    if (!inTransaction) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
    try {
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      }
      producer.commitTransaction();
      inTransaction = false;
      ledger.committed(offsets);
      metrics.committed(start);
      LOG.debug("committed a transaction with {}", offsets);
    } catch (KafkaException e) {
      failure.compareAndSet(null, e);
      abortQuietly();
      throw new IOException("the transaction failed and was aborted: " + e.getMessage(), e);
    }
    throwIfFailed();
  }

  /** Whether a send or commit failed. */
  public boolean failed() {
    return failure.get() != null;
  }

  /** Throws if a send or commit failed, for the source to stop the pipeline. */
  public void throwIfFailed() throws IOException {
    Exception e = failure.get();
    if (e != null) {
      throw new IOException("publishing failed: " + e.getMessage(), e);
    }
  }

  private void abortQuietly() {
    if (!inTransaction) {
      return;
    }
    inTransaction = false;
    try {
      producer.abortTransaction();
    } catch (ProducerFencedException e) {
      LOG.warn("another process with this group took over; nothing to abort: {}", e.toString());
    } catch (KafkaException e) {
      LOG.warn("aborting the transaction failed: {}", e.toString());
    }
  }

  /** Aborts an uncommitted transaction, then closes the producer. */
  @Override
  public synchronized void close() {
    abortQuietly();
    producer.close(Duration.ofSeconds(10));
  }
}
