package dev.restyle.ingest.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a live source waits between attempts to reach its stream: the first wait is {@code initial},
 * each next one {@code multiplier} times longer, never longer than {@code max}.
 *
 * @param initial wait before the first retry
 * @param max the longest wait
 * @param multiplier growth of the wait per attempt, at least 1
 * @param maxAttempts attempts in a row before giving up; 0 for never giving up
 */
public record Backoff(Duration initial, Duration max, double multiplier, int maxAttempts) {
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), 2.0, 0);

  public Backoff {
    List<String> problems = problems(initial, max, multiplier, maxAttempts);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** What is wrong with these settings, one message per problem; empty if nothing. */
  public static List<String> problems(
      Duration initial, Duration max, double multiplier, int maxAttempts) {
    List<String> problems = new ArrayList<>();
    if (initial == null || initial.isNegative() || initial.isZero()) {
      problems.add("initialDelay: must be positive, got " + millis(initial));
    }
    if (max == null || (initial != null && max.compareTo(initial) < 0)) {
      problems.add(
          "maxDelay: must be at least initialDelay (" + millis(initial) + "), got " + millis(max));
    }
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      problems.add("multiplier: must be at least 1, got " + multiplier);
    }
    if (maxAttempts < 0) {
      problems.add("maxAttempts: must be 0 (never give up) or positive, got " + maxAttempts);
    }
    return problems;
  }

  private static String millis(Duration d) {
    return d == null ? "nothing" : d.toMillis() + "ms";
  }

  /** The wait before attempt {@code attempt} (1 for the first retry). */
  public Duration delay(int attempt) {
    Objects.checkIndex(attempt - 1, Integer.MAX_VALUE);
    double nanos = initial.toNanos() * Math.pow(multiplier, attempt - 1);
    return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
  }

  /** Whether another attempt is allowed after {@code attempts} failed ones. */
  public boolean allows(int attempts) {
    return maxAttempts == 0 || attempts < maxAttempts;
  }
}
