package dev.restyle.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Frame-by-frame checks of an output topic as a reader sees it (records in partition order; a
 * stream's frames share a key, so one partition): which frame indices arrived per stream, in what
 * order, how many times.
 */
public final class Deliveries {
  private Deliveries() {}

  /** The frame indices of each stream (the record key), in topic order. */
  public static Map<String, List<Long>> byStream(List<ConsumerRecord<String, byte[]>> records) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      out.computeIfAbsent(r.key(), k -> new ArrayList<>())
          .add(Long.parseLong(FrameHeaders.text(r.headers(), FrameHeaders.INDEX)));
    }
    return out;
  }

  /** How many frames of each stream arrived, counting repeats. */
  public static int distinct(List<ConsumerRecord<String, byte[]>> records) {
    int n = 0;
    for (List<Long> indices : byStream(records).values()) {
      n += new TreeSet<>(indices).size();
    }
    return n;
  }

  /**
   * Asserts at least once, in order: each stream of {@code expected} (stream id to frame count) has
   * every index from 0, first occurrences in index order, and a repeat only ever starts a replay of
   * a suffix (an index at or below the one before, then one by one upwards); no stream that was not
   * sent.
   *
   * @return the number of repeated frames, over all streams
   */
  public static long assertAtLeastOnce(
      List<ConsumerRecord<String, byte[]>> records, Map<String, Integer> expected) {
    Map<String, List<Long>> streams = byStream(records);
    assertEquals(expected.keySet(), streams.keySet(), "streams in the output");
    long repeats = 0;
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      List<Long> indices = streams.get(e.getKey());
      String what = e.getKey() + " " + indices;
      assertEquals(0L, indices.get(0), "first frame of " + what);
      long highest = 0;
      for (int i = 1; i < indices.size(); i++) {
        long index = indices.get(i);
        long previous = indices.get(i - 1);
        assertTrue(
            index == previous + 1 || index <= previous,
            "frame " + index + " after " + previous + ": a gap or a jump in " + what);
        if (index <= highest) {
          repeats++;
        }
        highest = Math.max(highest, index);
      }
      assertEquals(e.getValue() - 1L, highest, "last frame of " + what);
      assertEquals(e.getValue(), new TreeSet<>(indices).size(), "distinct frames of " + what);
    }
    return repeats;
  }

  /** Asserts that each stream of {@code expected} came exactly once: indices 0, 1, ..., n - 1. */
  public static void assertExactlyOnce(
      List<ConsumerRecord<String, byte[]>> records, Map<String, Integer> expected) {
    Map<String, List<Long>> streams = byStream(records);
    assertEquals(expected.keySet(), streams.keySet(), "streams in the output");
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      List<Long> want = new ArrayList<>();
      for (long i = 0; i < e.getValue(); i++) {
        want.add(i);
      }
      assertEquals(want, streams.get(e.getKey()), "frames of " + e.getKey() + ", each once");
    }
  }
}
