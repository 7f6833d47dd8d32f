package dev.restyle.ingest.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in configs and options: {@code 250ms}, {@code 2s}, {@code 1.5m}.
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses {@code 250ms}, {@code 2s}, {@code 1.5m}, {@code 1h} or an ISO-8601 duration ({@code
   * PT2S}).
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      BigDecimal amount = new BigDecimal(m.group(1));
      long millisPerUnit =
          switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
          };
      return Duration.ofNanos(
          amount.multiply(BigDecimal.valueOf(millisPerUnit * 1_000_000)).longValue());
    }
    if (t.startsWith("pt") || t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException(
        "expected a duration such as 250ms, 2s, 1.5m or PT2S, got '" + text + "'");
  }

  /** The shortest of the forms {@link #parse} reads back: {@code 250ms}, {@code 2s}. */
  public static String format(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
