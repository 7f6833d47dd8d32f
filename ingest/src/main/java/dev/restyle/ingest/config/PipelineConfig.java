package dev.restyle.ingest.config;

import dev.restyle.ingest.live.Backoff;
import dev.restyle.ingest.temporal.TemporalSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A whole pipeline: source, sink, style, batching and reporting. Read from YAML by {@link
 * PipelineConfigReader} or built from command-line options; validated on construction, with every
 * problem reported at once by field path ({@link ConfigException}).
 *
 * @param source where frames come from
 * @param sink where stylised frames go
 * @param style the style
 * @param batch frames per network pass; null for the device's default (1 on a CPU, 4 on a GPU)
 * @param maxWait how long a batch waits for more frames after its first
 * @param predictors threads running the network, each on a batch of its own (1 to 64; frames stay
 *     in order)
 * @param stopAfter stop by itself after this long (the output is completed); null to run until the
 *     source ends or the process is told to stop
 * @param metrics reporting
 * @param temporal temporal stabilisation of the stylised frames (on by default; {@code temporal:
 *     false} turns it off); its own record validates its fields
 */
public record PipelineConfig(
    SourceConfig source,
    SinkConfig sink,
    StyleConfig style,
    Integer batch,
    Duration maxWait,
    int predictors,
    Duration stopAfter,
    MetricsConfig metrics,
    TemporalSettings temporal) {

  private static final Pattern STYLE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** A config with temporal stabilisation on, with its defaults. */
  public PipelineConfig(
      SourceConfig source,
      SinkConfig sink,
      StyleConfig style,
      Integer batch,
      Duration maxWait,
      int predictors,
      Duration stopAfter,
      MetricsConfig metrics) {
    this(
        source,
        sink,
        style,
        batch,
        maxWait,
        predictors,
        stopAfter,
        metrics,
        TemporalSettings.DEFAULT);
  }

  public PipelineConfig {
    Objects.requireNonNull(temporal, "temporal");
    List<String> problems =
        problems(source, sink, style, batch, maxWait, predictors, stopAfter, metrics);
    if (!problems.isEmpty()) {
      throw new ConfigException(null, problems);
    }
  }

  /** Everything wrong with these settings, each message starting with the field's path. */
  static List<String> problems(
      SourceConfig source,
      SinkConfig sink,
      StyleConfig style,
      Integer batch,
      Duration maxWait,
      int predictors,
      Duration stopAfter,
      MetricsConfig metrics) {
    List<String> p = new ArrayList<>();
    if (source == null) {
      p.add("source: required");
    } else {
      uri(p, "source.uri", source.uri());
      transport(p, "source.transport", source.transport());
      positive(p, "source.timeout", source.timeout());
      if (source.queue() < 1 || source.queue() > 1000) {
        p.add("source.queue: must be 1 to 1000 frames, got " + source.queue());
      }
      if (source.overflow() == null) {
        p.add("source.overflow: required (block, drop-oldest or drop-newest)");
      }
      Backoff r = source.reconnect();
      Backoff.problems(r.initial(), r.max(), r.multiplier(), r.maxAttempts())
          .forEach(m -> p.add("source.reconnect." + m));
    }
    if (sink == null) {
      p.add("sink: required");
    } else {
      uri(p, "sink.uri", sink.uri());
      transport(p, "sink.transport", sink.transport());
      if (sink.segmentSeconds() < 1) {
        p.add("sink.segmentSeconds: must be positive, got " + sink.segmentSeconds());
      }
      if (sink.playlistSize() < 1) {
        p.add("sink.playlistSize: must be positive, got " + sink.playlistSize());
      }
      if (source != null && Objects.equals(source.uri(), sink.uri()) && sink.uri() != null) {
        p.add("sink.uri: must differ from source.uri (" + sink.uri() + ")");
      }
    }
    if (style == null) {
      p.add("style: required");
    } else {
      if (style.name() == null || !STYLE_NAME.matcher(style.name()).matches()) {
        p.add(
            "style.name: must be a style name (lower-case letters, digits, '_' or '-'), got "
                + (style.name() == null ? "nothing" : "'" + style.name() + "'"));
      }
      if (!(style.strength() >= 0 && style.strength() <= 1)) {
        p.add("style.strength: must be between 0 and 1, got " + style.strength());
      }
    }
    if (batch != null && (batch < 1 || batch > 64)) {
      p.add("batch: must be 1 to 64 frames, got " + batch);
    }
    if (maxWait == null || maxWait.isNegative()) {
      p.add("maxWait: must not be negative, got " + maxWait);
    }
    if (predictors < 1 || predictors > 64) {
      p.add("predictors: must be 1 to 64 threads, got " + predictors);
    }
    if (stopAfter != null) {
      positive(p, "stopAfter", stopAfter);
    }
    if (metrics == null) {
      p.add("metrics: required");
    } else {
      if (metrics.port() != null && (metrics.port() < 0 || metrics.port() > 65535)) {
        p.add("metrics.port: must be 0 to 65535, got " + metrics.port());
      }
      if (metrics.host() == null || metrics.host().isBlank()) {
        p.add("metrics.host: required");
      }
      positive(p, "metrics.logEvery", metrics.logEvery());
    }
    return p;
  }

  private static void uri(List<String> p, String field, String uri) {
    if (uri == null || uri.isBlank()) {
      p.add(field + ": required");
    } else if (uri.contains("://")) {
      try {
        new URI(uri);
      } catch (URISyntaxException e) {
        p.add(field + ": not a valid URL: " + e.getMessage());
      }
    }
  }

  private static void transport(List<String> p, String field, String transport) {
    if (!"tcp".equals(transport) && !"udp".equals(transport)) {
      p.add(field + ": must be tcp or udp, got '" + transport + "'");
    }
  }

  private static void positive(List<String> p, String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      p.add(field + ": must be positive, got " + (d == null ? "nothing" : Durations.format(d)));
    }
  }
}
