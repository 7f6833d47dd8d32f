package dev.restyle.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void readsTheUsualForms() {
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofSeconds(2), Durations.parse("2s"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("1.5m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofSeconds(3), Durations.parse("PT3S"));
    assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    assertEquals("2s", Durations.format(Duration.ofSeconds(2)));
  }

  @Test
  void refusesBareNumbersAndNonsense() {
    for (String bad : new String[] {"3", "", "2 fortnights", "-1s", "PTxS"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
      assertEquals(
          "expected a duration such as 250ms, 2s, 1.5m or PT2S, got '" + bad + "'", e.getMessage());
    }
  }
}
