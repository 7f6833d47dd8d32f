package dev.restyle.serve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Settings of {@code restyle serve}, validated at start-up: every problem is reported at once.
 *
 * @param host address to bind (0.0.0.0: every interface)
 * @param port TCP port; 0 picks a free one (tests)
 * @param maxImageBytes largest image upload accepted (413 above)
 * @param maxVideoBytes largest video upload accepted (413 above)
 * @param maxInputPixels largest image, in pixels, that is decoded at all (413 above; checked from
 *     the header, before decoding, so a small file cannot expand into gigabytes)
 * @param maxStylizePixels largest image the network is run on, after {@code max_size} shrinking
 *     (413 above, with a hint to pass {@code max_size})
 * @param maxBatch most images per network pass in the shared inference stage
 * @param maxWait how long a batch waits for more images after its first; zero: a batch is what is
 *     already queued
 * @param queueCapacity images waiting for the network before further requests get a 503
 * @param maxRunningPipelines pipelines (video jobs) running at once; more wait their turn
 * @param maxRetainedPipelines finished pipelines kept (with their output) before the oldest go
 * @param workDirectory where uploads and job outputs live
 * @param rateLimit requests a second each client address may send (429 above)
 */
public record ServeConfig(
    String host,
    int port,
    long maxImageBytes,
    long maxVideoBytes,
    long maxInputPixels,
    long maxStylizePixels,
    int maxBatch,
    Duration maxWait,
    int queueCapacity,
    int maxRunningPipelines,
    int maxRetainedPipelines,
    Path workDirectory,
    RateLimit rateLimit) {

  public static final int DEFAULT_PORT = 8080;

  public ServeConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(maxWait, "maxWait");
    Objects.requireNonNull(workDirectory, "workDirectory");
    Objects.requireNonNull(rateLimit, "rateLimit");
    List<String> problems = new ArrayList<>();
    if (host.isBlank()) {
      problems.add("host must not be blank");
    }
    if (port < 0 || port > 65535) {
      problems.add("port must be between 0 and 65535, got " + port);
    }
    positive(problems, "maxImageBytes", maxImageBytes);
    positive(problems, "maxVideoBytes", maxVideoBytes);
    positive(problems, "maxInputPixels", maxInputPixels);
    positive(problems, "maxStylizePixels", maxStylizePixels);
    if (maxStylizePixels > maxInputPixels) {
      problems.add(
          "maxStylizePixels ("
              + maxStylizePixels
              + ") must not exceed maxInputPixels ("
              + maxInputPixels
              + ")");
    }
    positive(problems, "maxBatch", maxBatch);
    if (maxWait.isNegative()) {
      problems.add("maxWait must not be negative, got " + maxWait);
    }
    positive(problems, "queueCapacity", queueCapacity);
    positive(problems, "maxRunningPipelines", maxRunningPipelines);
    positive(problems, "maxRetainedPipelines", maxRetainedPipelines);
    if (rateLimit.perSecond() < 0) {
      problems.add("rateLimit.perSecond must not be negative, got " + rateLimit.perSecond());
    }
    if (rateLimit.enabled() && rateLimit.burst() < 1) {
      problems.add("rateLimit.burst must be positive, got " + rateLimit.burst());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid serve settings: " + String.join("; ", problems));
    }
  }

  private static void positive(List<String> problems, String name, long value) {
    if (value <= 0) {
      problems.add(name + " must be positive, got " + value);
    }
  }

  /**
   * A token bucket per client address: {@code perSecond} requests a second on average, bursts of up
   * to {@code burst}; {@code perSecond} 0 turns the limit off.
   */
  public record RateLimit(int perSecond, int burst) {
    /** Generous: 100 requests a second, bursts of 200. */
    public static final RateLimit DEFAULT = new RateLimit(100, 200);

    public static final RateLimit OFF = new RateLimit(0, 0);

    public boolean enabled() {
      return perSecond > 0;
    }
  }

  /**
   * The defaults: every interface, port 8080, 20 MiB images, 4 MP stylised, 1 GiB videos, 100
   * requests a second per client.
   */
  public static ServeConfig defaults() {
    return new ServeConfig(
        "0.0.0.0",
        DEFAULT_PORT,
        20L << 20,
        1L << 30,
        40_000_000L,
        40_000_000L,
        4,
        Duration.ZERO,
        64,
        1,
        50,
        Path.of(System.getProperty("java.io.tmpdir"), "restyle-serve"),
        RateLimit.DEFAULT);
  }

  public ServeConfig withHost(String host) {
    return edit(e -> e.host = host);
  }

  public ServeConfig withPort(int port) {
    return edit(e -> e.port = port);
  }

  public ServeConfig withLimits(long maxImageBytes, long maxInputPixels, long maxStylizePixels) {
    return edit(
        e -> {
          e.maxImageBytes = maxImageBytes;
          e.maxInputPixels = maxInputPixels;
          e.maxStylizePixels = maxStylizePixels;
        });
  }

  public ServeConfig withBatching(int maxBatch, Duration maxWait, int queueCapacity) {
    return edit(
        e -> {
          e.maxBatch = maxBatch;
          e.maxWait = maxWait;
          e.queueCapacity = queueCapacity;
        });
  }

  public ServeConfig withWorkDirectory(Path workDirectory) {
    return edit(e -> e.workDirectory = workDirectory);
  }

  public ServeConfig withMaxVideoBytes(long maxVideoBytes) {
    return edit(e -> e.maxVideoBytes = maxVideoBytes);
  }

  public ServeConfig withRateLimit(RateLimit rateLimit) {
    return edit(e -> e.rateLimit = rateLimit);
  }

  /** This record with the fields {@code change} sets; validated like any other. */
  private ServeConfig edit(Consumer<Edit> change) {
    Edit e = new Edit(this);
    change.accept(e);
    return new ServeConfig(
        e.host,
        e.port,
        e.maxImageBytes,
        e.maxVideoBytes,
        e.maxInputPixels,
        e.maxStylizePixels,
        e.maxBatch,
        e.maxWait,
        e.queueCapacity,
        e.maxRunningPipelines,
        e.maxRetainedPipelines,
        e.workDirectory,
        e.rateLimit);
  }

  /** A mutable copy of the fields, for the {@code withX} methods. */
  private static final class Edit {
    String host;
    int port;
    long maxImageBytes;
    long maxVideoBytes;
    long maxInputPixels;
    long maxStylizePixels;
    int maxBatch;
    Duration maxWait;
    int queueCapacity;
    int maxRunningPipelines;
    int maxRetainedPipelines;
    Path workDirectory;
    RateLimit rateLimit;

    Edit(ServeConfig r) {
      host = r.host;
      port = r.port;
      maxImageBytes = r.maxImageBytes;
      maxVideoBytes = r.maxVideoBytes;
      maxInputPixels = r.maxInputPixels;
      maxStylizePixels = r.maxStylizePixels;
      maxBatch = r.maxBatch;
      maxWait = r.maxWait;
      queueCapacity = r.queueCapacity;
      maxRunningPipelines = r.maxRunningPipelines;
      maxRetainedPipelines = r.maxRetainedPipelines;
      workDirectory = r.workDirectory;
      rateLimit = r.rateLimit;
    }
  }
}
