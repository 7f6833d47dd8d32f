package dev.restyle.ingest.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChannelTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @Test
  void blockingChannelAppliesBackpressureAndLosesNothing() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Channel<Integer> channel = new Channel<>("q", 2);
          CompletableFuture<Void> producer =
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      for (int i = 0; i < 200; i++) {
                        assertTrue(channel.put(i));
                        assertTrue(channel.size() <= 2);
                      }
                      channel.close();
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  });
          List<Integer> taken = new ArrayList<>();
          Integer item;
          while ((item = channel.take()) != null) {
            taken.add(item);
          }
          producer.join();
          assertEquals(200, taken.size());
          for (int i = 0; i < 200; i++) {
            assertEquals(i, taken.get(i));
          }
          assertEquals(0, channel.dropped());
          assertTrue(channel.isDrained());
        });
  }

  @Test
  void putWaitsWhileFull() throws Exception {
    Channel<Integer> channel = new Channel<>("q", 1);
    channel.put(1);
    CompletableFuture<Boolean> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return channel.put(2);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(100);
    assertFalse(second.isDone(), "a put into a full blocking channel must wait");
    assertEquals(1, channel.take());
    assertTrue(second.get(5, TimeUnit.SECONDS));
    assertEquals(2, channel.take());
  }

  @Test
  void dropPoliciesCountWhatTheyDrop() throws Exception {
    AtomicInteger told = new AtomicInteger();
    Channel<Integer> oldest =
        new Channel<>("q", 2, OverflowPolicy.DROP_OLDEST, item -> told.incrementAndGet());
    for (int i = 1; i <= 3; i++) {
      assertTrue(oldest.put(i));
    }
    assertEquals(1, oldest.dropped());
    assertEquals(2, oldest.take());
    assertEquals(3, oldest.take());

    Channel<Integer> newest =
        new Channel<>("q", 2, OverflowPolicy.DROP_NEWEST, item -> told.incrementAndGet());
    assertTrue(newest.put(1));
    assertTrue(newest.put(2));
    assertFalse(newest.put(3));
    assertEquals(1, newest.take());
    assertEquals(2, newest.take());
    assertEquals(2, told.get());
  }

  @Test
  void closeLetsTheConsumerDrainThenEnds() throws Exception {
    Channel<Integer> channel = new Channel<>("q", 4);
    channel.put(7);
    channel.close();
    assertFalse(channel.isDrained());
    assertEquals(7, channel.take());
    assertNull(channel.take());
    assertNull(channel.poll(0, TimeUnit.MILLISECONDS));
    assertTrue(channel.isDrained());
    assertThrows(IllegalStateException.class, () -> channel.put(8));
  }

  @Test
  void abortWakesWaitingThreads() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Channel<Integer> empty = new Channel<>("empty", 1);
          Channel<Integer> full = new Channel<>("full", 1);
          full.put(1);
          CompletableFuture<Integer> taker =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return empty.take();
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  });
          CompletableFuture<Boolean> putter =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return full.put(2);
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  });
          Thread.sleep(100);
          IllegalStateException boom = new IllegalStateException("boom");
          empty.abort(boom);
          full.abort(boom);
          Throwable t = assertThrows(Exception.class, taker::join).getCause();
          assertTrue(t instanceof ChannelAbortedException, t.toString());
          assertEquals(boom, t.getCause());
          t = assertThrows(Exception.class, putter::join).getCause();
          assertTrue(t instanceof ChannelAbortedException, t.toString());
        });
  }
}
