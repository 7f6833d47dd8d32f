package dev.restyle.serve;

import static dev.restyle.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restyle.serve.http.RateLimiter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-client request-rate limit, against a real server on 127.0.0.1. */
class RateLimitTest {
  @TempDir Path work;

  @Test
  void overTheLimitIs429WithRetryAfterAndCounted() throws Exception {
    ServeConfig config = ServeConfig.defaults().withRateLimit(new ServeConfig.RateLimit(1, 3));
    try (TestServer t = new TestServer(config, work)) {
      List<Integer> statuses = new ArrayList<>();
      HttpResponse<byte[]> refused = null;
      for (int i = 0; i < 6; i++) {
        HttpResponse<byte[]> r = t.get("/api/styles");
        statuses.add(r.statusCode());
        if (r.statusCode() == 429 && refused == null) {
          refused = r;
        }
      }
      // A burst of 3 goes through (at most one more token refills meanwhile), then 429s.
      assertEquals(List.of(200, 200, 200), statuses.subList(0, 3), statuses.toString());
      assertEquals(429, statuses.getLast(), statuses.toString());
      assertTrue(refused != null, statuses.toString());
      String body = new String(refused.body(), StandardCharsets.UTF_8);
      assertTrue(
          refused.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
          body);
      JsonNode error = json(refused);
      assertEquals(429, error.path("status").asInt(), body);
      assertEquals("Too Many Requests", error.path("error").asText(), body);
      assertTrue(error.path("message").asText().contains("at most 1 a second"), body);
      long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElse("0"));
      assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);

      // Stylising counts too; probes and scrapes never do. On a loaded machine a token may refill
      // between the burst and the post, so drain the bucket again right before each try.
      long refusals = statuses.stream().filter(s -> s == 429).count();
      boolean stylisingRefused = false;
      for (int attempt = 0; attempt < 5 && !stylisingRefused; attempt++) {
        while (t.get("/api/styles").statusCode() != 429) {
          // take the refilled tokens
        }
        refusals++;
        int status =
            t.post("/api/stylize?style=starry_night", "image/jpeg", TestServer.jpeg(32, 32))
                .statusCode();
        stylisingRefused = status == 429;
        refusals += stylisingRefused ? 1 : 0;
      }
      assertTrue(stylisingRefused, "stylising was never refused over the limit");
      for (int i = 0; i < 10; i++) {
        assertEquals(200, t.get("/health/live").statusCode());
        assertEquals(200, t.get("/health/ready").statusCode());
      }
      HttpResponse<byte[]> metrics = t.get("/metrics");
      assertEquals(200, metrics.statusCode());
      String text = new String(metrics.body(), StandardCharsets.UTF_8);
      assertTrue(text.contains("restyle_serve_http_rate_limited_total"), "no counter in /metrics");
      double counted = t.server.meterRegistry().get(RateLimiter.REFUSED).counter().count();
      assertEquals(refusals, counted, 0.0);
      assertTrue(
          text.lines()
              .anyMatch(
                  l ->
                      l.startsWith("restyle_serve_http_requests_seconds_count")
                          && l.contains("status=\"429\"")),
          "429s are not in the request timer");

      // After Retry-After the client is served again.
      Thread.sleep(retryAfter * 1000 + 100);
      assertEquals(200, t.get("/api/styles").statusCode());
    }
  }

  @Test
  void zeroTurnsTheLimitOff() throws Exception {
    try (TestServer t =
        new TestServer(ServeConfig.defaults().withRateLimit(ServeConfig.RateLimit.OFF), work)) {
      for (int i = 0; i < 50; i++) {
        assertEquals(200, t.get("/api/styles").statusCode());
      }
    }
  }

  @Test
  void badSettingsAreRefusedAtStartUp() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeConfig.defaults().withRateLimit(new ServeConfig.RateLimit(-1, 5)));
    assertTrue(e.getMessage().contains("rateLimit.perSecond must not be negative, got -1"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeConfig.defaults().withRateLimit(new ServeConfig.RateLimit(10, 0)));
    assertTrue(e.getMessage().contains("rateLimit.burst must be positive, got 0"));
  }
}
