package dev.restyle.ingest.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.restyle.ingest.endpoint.Endpoints;
import dev.restyle.ingest.endpoint.SourceProvider;
import dev.restyle.ingest.live.Backoff;
import dev.restyle.ingest.live.LiveSource;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import dev.restyle.ingest.temporal.DisPreset;
import dev.restyle.ingest.temporal.TemporalSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link PipelineConfig} from YAML (see {@code config/pipeline-*.yaml}), or from the tree
 * that command-line options build, so that both take the same fields, defaults and checks. Fields
 * left out take defaults; the queue's defaults depend on the source (live: 2 frames, drop the
 * oldest; files: 8 frames, block). Every problem is reported at once by field path: wrong types,
 * unknown fields, values out of range, unknown URI schemes, unknown output formats.
 */
public final class PipelineConfigReader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Endpoints endpoints;

  public PipelineConfigReader(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  /** An empty tree to fill with fields, as the command line does. */
  public static ObjectNode tree() {
    return YAML.createObjectNode();
  }

  /**
   * Reads a YAML file.
   *
   * @throws NoSuchFileException if there is no such file
   * @throws IOException if it is not YAML
   * @throws ConfigException listing every problem
   */
  public PipelineConfig read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such pipeline config");
    }
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not valid YAML: " + e.getOriginalMessage(), e);
    }
    return read(root, file.toString());
  }

  /**
   * Reads a tree of fields.
   *
   * @param where the file or "the command line", for the message
   * @throws ConfigException listing every problem
   */
  public PipelineConfig read(JsonNode root, String where) {
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      problems.add("the config must be a mapping with source, sink and style");
      throw new ConfigException(where, problems);
    }
    Fields top = new Fields(root, "", problems);

    Fields src = top.object("source");
    String sourceUri = src.string("uri", null);
    SourceProvider provider = null;
    if (sourceUri != null) {
      try {
        provider = endpoints.source(sourceUri);
      } catch (IllegalArgumentException e) {
        problems.add("source.uri: " + e.getMessage());
      }
    }
    Fields rec = src.object("reconnect");
    Backoff d = Backoff.DEFAULT;
    Duration initial = rec.duration("initialDelay", d.initial());
    Duration max = rec.duration("maxDelay", d.max());
    double multiplier = rec.decimal("multiplier", d.multiplier());
    int attempts = rec.integer("maxAttempts", d.maxAttempts());
    rec.rejectUnknown();
    List<String> backoffProblems = Backoff.problems(initial, max, multiplier, attempts);
    backoffProblems.forEach(m -> problems.add("source.reconnect." + m));
    Backoff reconnect =
        backoffProblems.isEmpty() ? new Backoff(initial, max, multiplier, attempts) : d;
    LiveSource.Settings live = LiveSource.Settings.DEFAULT;
    SourceConfig source =
        new SourceConfig(
            sourceUri,
            src.string("id", ""),
            src.string("transport", live.transport()),
            src.duration("timeout", live.timeout()),
            src.integer("queue", provider == null ? 8 : provider.defaultQueue()),
            src.choice(
                "overflow",
                OverflowPolicy.class,
                provider == null ? OverflowPolicy.BLOCK : provider.defaultOverflow()),
            reconnect,
            src.strings("options"));
    src.rejectUnknown();

    Fields snk = top.object("sink");
    String sinkUri = snk.string("uri", null);
    if (sinkUri != null) {
      try {
        endpoints.checkSink(sinkUri);
      } catch (IllegalArgumentException e) {
        problems.add("sink.uri: " + e.getMessage());
      }
    }
    SinkConfig sinkDefaults = SinkConfig.of(sinkUri);
    SinkConfig sink =
        new SinkConfig(
            sinkUri,
            snk.string("transport", sinkDefaults.transport()),
            snk.integer("segmentSeconds", sinkDefaults.segmentSeconds()),
            snk.integer("playlistSize", sinkDefaults.playlistSize()),
            snk.strings("options"));
    snk.rejectUnknown();

    Fields sty = top.object("style");
    StyleConfig style =
        new StyleConfig(
            sty.string("name", null),
            sty.decimal("strength", 1.0),
            sty.bool("preserveColours", false));
    sty.rejectUnknown();

    Integer batch = top.integer("batch", null);
    Duration maxWait = top.duration("maxWait", Duration.ofMillis(100));
    int predictors = top.integer("predictors", 1);
    Duration stopAfter = top.duration("stopAfter", null);

    Fields met = top.object("metrics");
    MetricsConfig metrics =
        new MetricsConfig(
            met.integer("port", MetricsConfig.NONE.port()),
            met.string("host", MetricsConfig.NONE.host()),
            met.duration("logEvery", MetricsConfig.NONE.logEvery()));
    met.rejectUnknown();
    TemporalSettings temporal = temporal(top, problems);
    top.rejectUnknown();

    problems.addAll(
        PipelineConfig.problems(
            source, sink, style, batch, maxWait, predictors, stopAfter, metrics));
    if (problems.isEmpty()) {
      try {
        endpoints.check(source, sink);
      } catch (IllegalArgumentException e) {
        problems.add("source.uri, sink.uri: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(where, problems.stream().distinct().toList());
    }
    return new PipelineConfig(
        source, sink, style, batch, maxWait, predictors, stopAfter, metrics, temporal);
  }

  /**
   * The {@code temporal} field: absent for the defaults (on), {@code true} or {@code false}, or a
   * mapping of {@link TemporalSettings}' fields ({@code enabled}, {@code blend}, {@code flowWidth},
   * {@code preset}, {@code tolerance}, {@code photometric}, {@code cutShare}, {@code maxStreams}).
   */
  private static TemporalSettings temporal(Fields top, List<String> problems) {
    TemporalSettings d = TemporalSettings.DEFAULT;
    if (top.isBoolean("temporal")) {
      return d.withEnabled(top.bool("temporal", true));
    }
    Fields t = top.object("temporal");
    boolean enabled = t.bool("enabled", d.enabled());
    double blend = t.decimal("blend", d.blend());
    int flowWidth = t.integer("flowWidth", d.flowWidth());
    DisPreset preset = t.choice("preset", DisPreset.class, d.preset());
    double tolerance = t.decimal("tolerance", d.tolerance());
    int photometric = t.integer("photometric", d.photometric());
    double cutShare = t.decimal("cutShare", d.cutShare());
    int maxStreams = t.integer("maxStreams", d.maxStreams());
    t.rejectUnknown();
    List<String> found =
        TemporalSettings.problems(
            blend, flowWidth, preset, tolerance, photometric, cutShare, maxStreams);
    found.forEach(m -> problems.add("temporal." + m));
    return found.isEmpty()
        ? new TemporalSettings(
            enabled, blend, flowWidth, preset, tolerance, photometric, cutShare, maxStreams)
        : d;
  }
}
