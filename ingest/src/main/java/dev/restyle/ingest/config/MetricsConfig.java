package dev.restyle.ingest.config;

import java.time.Duration;

/**
 * How a pipeline reports.
 *
 * @param port the port of the Prometheus scrape endpoint ({@code /metrics}); null for none, 0 for
 *     any free port
 * @param host the address the endpoint listens on
 * @param logEvery how often a progress line (frames, fps, drops, reconnects, latency) is logged
 */
public record MetricsConfig(Integer port, String host, Duration logEvery) {
  public static final MetricsConfig NONE =
      new MetricsConfig(null, "0.0.0.0", Duration.ofSeconds(10));
}
