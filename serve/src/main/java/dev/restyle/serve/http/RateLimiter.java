package dev.restyle.serve.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.restyle.serve.ServeConfig;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * A token bucket per client address: each request takes a token, a bucket holds at most {@code
 * burst} and refills at {@code perSecond}; a request that finds it empty is refused with a 429 and
 * a Retry-After. Health probes and metrics scrapes are never limited. The buckets of the most
 * recent {@value #MAX_CLIENTS} addresses are kept, each dropped after a minute unused (a full one
 * would be recreated full anyway), so many clients cannot exhaust memory. Refusals are counted in
 * {@value #REFUSED}.
 */
public final class RateLimiter {
  public static final String REFUSED = "restyle.serve.http.rate.limited";
  static final int MAX_CLIENTS = 100_000;
  private static final Set<String> EXEMPT = Set.of("/health", "/health/live", "/health/ready");

  private final ServeConfig.RateLimit limit;
  private final Cache<String, Bucket> buckets;
  private final Counter refused;

  public RateLimiter(ServeConfig.RateLimit limit, MeterRegistry registry) {
    this.limit = limit;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(MAX_CLIENTS)
            .expireAfterAccess(Duration.ofMinutes(1))
            .build();
    this.refused =
        Counter.builder(REFUSED)
            .description("requests refused with 429: the client's request rate was over the limit")
            .register(registry);
  }

  /** A before-handler: refuses the request when its client's bucket is empty. */
  public void before(Context ctx) {
    if (!limit.enabled() || exempt(ctx.path())) {
      return;
    }
    Bucket bucket = buckets.get(ctx.ip(), ip -> newBucket());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      refused.increment();
      long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
      throw new RateLimitedException(
          String.format(
              Locale.ROOT,
              "too many requests from %s: at most %d a second (bursts of %d); retry after %d s",
              ctx.ip(),
              limit.perSecond(),
              limit.burst(),
              seconds),
          seconds);
    }
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(
            l -> l.capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)))
        .build();
  }

  private static boolean exempt(String path) {
    return EXEMPT.contains(path) || path.equals("/metrics");
  }

  /** A 429: the client sent requests faster than the limit. */
  public static final class RateLimitedException extends ApiException {
    private final long retryAfterSeconds;

    RateLimitedException(String message, long retryAfterSeconds) {
      super(429, message);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }
}
