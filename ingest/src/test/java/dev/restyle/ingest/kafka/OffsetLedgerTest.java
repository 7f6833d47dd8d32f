package dev.restyle.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {
  private static final TopicPartition P0 = new TopicPartition("frames", 0);
  private static final TopicPartition P1 = new TopicPartition("frames", 1);

  private static Long offset(Map<TopicPartition, OffsetAndMetadata> offsets, TopicPartition tp) {
    OffsetAndMetadata o = offsets.get(tp);
    return o == null ? null : o.offset();
  }

  @Test
  void commitsNeverPassARecordThatIsNotDone() {
    OffsetLedger ledger = new OffsetLedger();
    ledger.take(P0, 10);
    ledger.take(P0, 11);
    ledger.take(P0, 12);
    assertEquals(10L, offset(ledger.committable(), P0), "nothing done: the first record's offset");
    ledger.done(P0, 12);
    ledger.done(P0, 11);
    assertEquals(10L, offset(ledger.committable(), P0), "10 is not done: no further");
    ledger.done(P0, 10);
    assertEquals(13L, offset(ledger.committable(), P0), "all done: after the last taken");
    assertEquals(0, ledger.pending());
  }

  @Test
  void onlyPartitionsThatMovedAreCommittedAgain() {
    OffsetLedger ledger = new OffsetLedger();
    ledger.take(P0, 0);
    ledger.take(P1, 5);
    ledger.done(P0, 0);
    ledger.done(P1, 5);
    Map<TopicPartition, OffsetAndMetadata> first = ledger.committable();
    assertEquals(1L, offset(first, P0));
    assertEquals(6L, offset(first, P1));
    ledger.committed(first);
    assertTrue(ledger.committable().isEmpty());
    ledger.take(P1, 7); // offsets may have gaps (transaction markers)
    ledger.done(P1, 7);
    assertEquals(Map.of(P1, new OffsetAndMetadata(8)), ledger.committable());
  }

  @Test
  void awaitDoneWaitsForTheRevokedPartitionsOnly() throws Exception {
    OffsetLedger ledger = new OffsetLedger();
    ledger.take(P0, 0);
    ledger.take(P1, 0);
    assertFalse(ledger.awaitDone(List.of(P0), 50), "P0 is pending");
    Thread finisher =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  ledger.done(P0, 0);
                });
    assertTrue(ledger.awaitDone(List.of(P0), 10_000), "P0 completes; P1 does not matter");
    finisher.join();
    ledger.forget(List.of(P1));
    ledger.done(P1, 0); // late acknowledgement of a forgotten partition: ignored
    assertEquals(0, ledger.pending());
    assertEquals(null, offset(ledger.committable(), P1));
  }
}
