package dev.restyle.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
  private final KafkaSettings defaults = KafkaSettings.of("127.0.0.1:9092", "in", "out");

  @Test
  void eachWithChangesItsFieldAndKeepsTheOthers() {
    KafkaSettings changed =
        defaults
            .withDeadLetterTopic("bad")
            .withGroupId("g")
            .withExactlyOnce(true)
            .withOutputEncoding(Optional.of(FrameEncoding.PNG))
            .withCommitInterval(Duration.ofMillis(300))
            .withDeliveryTimeout(Duration.ofSeconds(5))
            .withMaxPollRecords(3)
            .withSessionTimeout(Duration.ofSeconds(7))
            .withTransactionTimeout(Duration.ofSeconds(9));
    assertEquals(
        new KafkaSettings(
            "127.0.0.1:9092",
            "in",
            "out",
            "bad",
            "g",
            true,
            Optional.of(FrameEncoding.PNG),
            3,
            Duration.ofMillis(300),
            Duration.ofSeconds(5),
            defaults.drainTimeout(),
            Duration.ofSeconds(7),
            Duration.ofSeconds(9)),
        changed);
    assertEquals("in.dlq", defaults.deadLetterTopic(), "the original is unchanged");
  }

  @Test
  void aWithIsValidatedLikeTheConstructor() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> defaults.withDeadLetterTopic("out"));
    assertTrue(e.getMessage().contains("dead-letter topic: must differ"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> defaults.withMaxPollRecords(0));
  }
}
