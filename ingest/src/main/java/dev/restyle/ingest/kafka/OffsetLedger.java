package dev.restyle.ingest.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which input offsets may be committed. A record is <em>taken</em> when the source hands it on (as
 * a frame, or to the dead-letter topic) and <em>done</em> when its output is safe (acknowledged by
 * the broker, or sent within the open transaction). Per partition the committable offset is that of
 * the oldest record not yet done, or the one after the last record taken if all are done: so a
 * commit never passes a record whose output could still be lost, whatever order outputs complete
 * in. Thread-safe.
 */
public final class OffsetLedger {
  private static final class Partition {
    final TreeSet<Long> pending = new TreeSet<>();
    long next = -1;
    long committed = -1;

    long committable() {
      return pending.isEmpty() ? next : pending.first();
    }
  }

  private final Map<TopicPartition, Partition> partitions = new HashMap<>();

  /** The source hands on the record at {@code offset} of {@code partition}. */
  public synchronized void take(TopicPartition partition, long offset) {
    Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
    p.pending.add(offset);
    p.next = Math.max(p.next, offset + 1);
  }

  /** The output of the record at {@code offset} is safe; ignored for a forgotten partition. */
  public synchronized void done(TopicPartition partition, long offset) {
    Partition p = partitions.get(partition);
    if (p != null && p.pending.remove(offset) && p.pending.isEmpty()) {
      notifyAll();
    }
  }

  /** Records taken and not yet done, over all partitions. */
  public synchronized int pending() {
    return partitions.values().stream().mapToInt(p -> p.pending.size()).sum();
  }

  /** The offsets to commit: partitions whose committable offset moved since the last commit. */
  public synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    partitions.forEach(
        (tp, p) -> {
          long offset = p.committable();
          if (offset > p.committed) {
            offsets.put(tp, new OffsetAndMetadata(offset));
          }
        });
    return offsets;
  }

  /** {@code offsets} were committed. */
  public synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (tp, o) -> {
          Partition p = partitions.get(tp);
          if (p != null) {
            p.committed = Math.max(p.committed, o.offset());
          }
        });
  }

  /**
   * Waits until every record taken from {@code revoked} is done.
   *
   * @return whether they all are (false if the time ran out)
   */
  public synchronized boolean awaitDone(Collection<TopicPartition> revoked, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      boolean busy = false;
      for (TopicPartition tp : revoked) {
        Partition p = partitions.get(tp);
        busy |= p != null && !p.pending.isEmpty();
      }
      long left = deadline - System.nanoTime();
      if (!busy) {
        return true;
      }
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Drops what is known of {@code lost} partitions (revoked or lost in a rebalance). */
  public synchronized void forget(Collection<TopicPartition> lost) {
    lost.forEach(partitions::remove);
    notifyAll();
  }
}
