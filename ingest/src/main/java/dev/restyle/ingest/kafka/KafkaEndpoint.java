package dev.restyle.ingest.kafka;

import dev.restyle.ingest.config.Durations;
import dev.restyle.ingest.config.SinkConfig;
import dev.restyle.ingest.config.SourceConfig;
import dev.restyle.ingest.endpoint.Endpoints;
import dev.restyle.ingest.endpoint.SinkProvider;
import dev.restyle.ingest.endpoint.SourceProvider;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import dev.restyle.ingest.sink.FrameSink;
import dev.restyle.ingest.source.FrameSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kafka://} sources and sinks for the URI pipelines ({@code restyle run}, {@code restyle
 * stream}): {@code kafka://HOST:PORT[,HOST:PORT]/TOPIC}, with the source's options in its query
 * ({@code group}, {@code dlq}, {@code exactly-once}, {@code commit-interval}) and the sink's
 * ({@code encoding}).
 *
 * <p>A Kafka input commits a record's offset only once its stylised frame is acknowledged by the
 * output topic, so the two come as a pair: a {@code kafka://} source needs a {@code kafka://} sink
 * on the same brokers and the other way round ({@link #check}). The source connects when the sink
 * is opened, as one {@link KafkaTopicSource}; missing output and dead-letter topics are created
 * with the input's partition count. The queue behind the source blocks: a frame is never dropped.
 */
public final class KafkaEndpoint implements SourceProvider, SinkProvider {
  public static final String SCHEME = "kafka";

  private static final Pattern URI =
      Pattern.compile("kafka://([^/?#]+)/([^/?#]+)(?:\\?([^#]*))?", Pattern.CASE_INSENSITIVE);
  private static final Set<String> SOURCE_OPTIONS =
      Set.of("group", "dlq", "exactly-once", "commit-interval");
  private static final Set<String> SINK_OPTIONS = Set.of("encoding");

  @Override
  public int defaultQueue() {
    return 8;
  }

  @Override
  public OverflowPolicy defaultOverflow() {
    return OverflowPolicy.BLOCK;
  }

  /** The settings a pair of URIs describes. */
  static KafkaSettings settings(String sourceUri, String sinkUri) {
    Parsed in = parse(sourceUri, SOURCE_OPTIONS);
    Parsed out = parse(sinkUri, SINK_OPTIONS);
    if (!in.bootstrap().equals(out.bootstrap())) {
      throw new IllegalArgumentException(
          "a kafka:// source and sink must name the same brokers, got '"
              + in.bootstrap()
              + "' and '"
              + out.bootstrap()
              + "'");
    }
    Map<String, String> o = in.options();
    KafkaSettings settings =
        KafkaSettings.of(in.bootstrap(), in.topic(), out.topic())
            .withDeadLetterTopic(o.getOrDefault("dlq", in.topic() + ".dlq"))
            .withGroupId(o.getOrDefault("group", "restyle"))
            .withExactlyOnce(bool(o.getOrDefault("exactly-once", "false")));
    if (o.containsKey("commit-interval")) {
      settings = settings.withCommitInterval(Durations.parse(o.get("commit-interval")));
    }
    String encoding = out.options().get("encoding");
    return settings.withOutputEncoding(
        encoding == null ? Optional.empty() : Optional.of(FrameEncoding.parse(encoding)));
  }

  @Override
  public void check(SourceConfig source, SinkConfig sink) {
    boolean in = SCHEME.equals(scheme(source.uri()));
    boolean out = SCHEME.equals(scheme(sink.uri()));
    if (in) {
      parse(source.uri(), SOURCE_OPTIONS);
    }
    if (out) {
      parse(sink.uri(), SINK_OPTIONS);
    }
    if (!in || !out) {
      throw new IllegalArgumentException(
          "a kafka:// "
              + (in ? "source" : "sink")
              + " pairs only with a kafka:// "
              + (in ? "sink" : "source")
              + ": input offsets are committed once the stylised frame is acknowledged");
    }
    if (source.overflow() != OverflowPolicy.BLOCK) {
      throw new IllegalArgumentException(
          "source.overflow must be block for a kafka:// source (a dropped frame would be committed"
              + " unstylised)");
    }
    settings(source.uri(), sink.uri());
  }

  @Override
  public FrameSource open(SourceConfig config, String streamId, MeterRegistry registry) {
    parse(config.uri(), SOURCE_OPTIONS);
    return new Unconnected(config.uri(), registry);
  }

  @Override
  public FrameSink open(SinkConfig config, FrameSource source) throws IOException {
    if (!(source instanceof Unconnected input)) {
      throw new IllegalArgumentException("a kafka:// sink takes its frames from a kafka:// source");
    }
    KafkaSettings settings = settings(input.uri, config.uri());
    Topics.ensure(
        settings.bootstrap(),
        List.of(settings.outputTopic(), settings.deadLetterTopic()),
        Topics.partitions(settings.bootstrap(), settings.inputTopic()));
    return input.connect(settings).sink();
  }

  private record Parsed(String bootstrap, String topic, Map<String, String> options) {}

  private static Parsed parse(String uri, Set<String> known) {
    Matcher m = URI.matcher(uri);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected kafka://HOST:PORT[,HOST:PORT]/TOPIC[?OPTIONS], got '" + uri + "'");
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (m.group(3) != null && !m.group(3).isEmpty()) {
      for (String pair : m.group(3).split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        if (!known.contains(name)) {
          throw new IllegalArgumentException(
              "unknown option '"
                  + name
                  + "' in "
                  + uri
                  + " (known here: "
                  + String.join(", ", known.stream().sorted().toList())
                  + ")");
        }
        options.put(name, eq < 0 ? "true" : pair.substring(eq + 1));
      }
    }
    return new Parsed(m.group(1), m.group(2), options);
  }

  private static boolean bool(String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException("exactly-once must be true or false, got " + text);
    };
  }

  private static String scheme(String uri) {
    return Endpoints.scheme(uri);
  }

  /** The source until the sink connects it: the output topic completes its settings. */
  private static final class Unconnected implements FrameSource {
    private final String uri;
    private final MeterRegistry registry;
    private final StreamInfo info;
    private volatile KafkaTopicSource connected;
    private volatile boolean stopped;

    Unconnected(String uri, MeterRegistry registry) {
      this.uri = uri;
      this.registry = registry;
      this.info = KafkaFrameSource.info("kafka:" + parse(uri, SOURCE_OPTIONS).topic());
    }

    synchronized KafkaTopicSource connect(KafkaSettings settings) throws IOException {
      if (connected != null) {
        throw new IllegalStateException("a kafka:// source feeds one sink");
      }
      connected = KafkaTopicSource.open(settings, registry);
      if (stopped) {
        connected.stop();
      }
      return connected;
    }

    @Override
    public StreamInfo info() {
      return info;
    }

    @Override
    public Frame read() throws IOException {
      KafkaTopicSource c = connected;
      if (c == null) {
        throw new IllegalStateException("a kafka:// source is read once its kafka:// sink opens");
      }
      return c.read();
    }

    @Override
    public long decodeErrors() {
      KafkaTopicSource c = connected;
      return c == null ? 0 : c.decodeErrors();
    }

    @Override
    public void stop() {
      stopped = true;
      KafkaTopicSource c = connected;
      if (c != null) {
        c.stop();
      }
    }

    @Override
    public synchronized void close() {
      if (connected != null) {
        connected.close();
      }
    }
  }
}
