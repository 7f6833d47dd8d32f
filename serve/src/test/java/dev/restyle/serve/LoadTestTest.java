package dev.restyle.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.serve.loadtest.LoadTest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load-test client against a real server, and its settings' validation. */
class LoadTestTest {
  @TempDir Path work;

  @Test
  void measuresWithoutErrors() throws Exception {
    try (TestServer t = new TestServer(ServeConfig.defaults(), work)) {
      LoadTest test =
          new LoadTest(
              new LoadTest.Settings(
                  t.uri("/"), List.of(1, 3), 6, 64, "starry_night", Duration.ofSeconds(30)));
      for (int c : List.of(1, 3)) {
        LoadTest.Level level = test.run(c);
        assertEquals(6, level.ok(), level.toString());
        assertTrue(level.errors().isEmpty(), level.toString());
        assertTrue(
            level.p50Millis() > 0 && level.p99Millis() >= level.p50Millis(), level.toString());
        assertTrue(level.requestsPerSecond() > 0);
      }
      LoadTest.Level unknown =
          new LoadTest(
                  new LoadTest.Settings(
                      t.uri("/"), List.of(2), 2, 32, "nope", Duration.ofSeconds(30)))
              .run(2);
      assertEquals(0, unknown.ok());
      assertEquals(2, unknown.errors().get("HTTP 404"));
    }
  }

  @Test
  void refusesBadSettings() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LoadTest.Settings(
                    URI.create("ftp://x"), List.of(0), 0, 15, "s", Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("url must be http"), e.getMessage());
    assertTrue(e.getMessage().contains("concurrency levels"), e.getMessage());
    assertTrue(e.getMessage().contains("requests must be"), e.getMessage());
    assertTrue(e.getMessage().contains("size must be"), e.getMessage());
  }

  @Test
  void percentilesAreNearestRank() {
    long[] ms = new long[100];
    for (int i = 0; i < 100; i++) {
      ms[i] = (i + 1) * 1_000_000L;
    }
    assertEquals(50.0, LoadTest.percentile(ms, 0.5));
    assertEquals(99.0, LoadTest.percentile(ms, 0.99));
  }
}
