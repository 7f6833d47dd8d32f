package dev.restyle.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesUpToTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), 2, 0);
    assertEquals(Duration.ofMillis(500), b.delay(1));
    assertEquals(Duration.ofMillis(1000), b.delay(2));
    assertEquals(Duration.ofMillis(2000), b.delay(3));
    assertEquals(Duration.ofSeconds(3), b.delay(4));
    assertEquals(Duration.ofSeconds(3), b.delay(1000));
    assertTrue(b.allows(1_000_000));
  }

  @Test
  void givesUpAfterItsAttempts() {
    Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 1, 3);
    assertTrue(b.allows(2));
    assertFalse(b.allows(3));
  }

  @Test
  void refusesNonsense() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Backoff(Duration.ZERO, Duration.ofSeconds(-1), 0.5, -2));
    assertEquals(
        "initialDelay: must be positive, got 0ms; maxDelay: must be at least initialDelay (0ms),"
            + " got -1000ms; multiplier: must be at least 1, got 0.5; maxAttempts: must be 0"
            + " (never give up) or positive, got -2",
        e.getMessage());
  }
}
