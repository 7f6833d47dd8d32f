package dev.restyle.ingest.endpoint;

import dev.restyle.ingest.config.SinkConfig;
import dev.restyle.ingest.config.SourceConfig;
import dev.restyle.ingest.live.LiveSource;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import dev.restyle.ingest.sink.FrameSink;
import dev.restyle.ingest.sink.StreamSink;
import dev.restyle.ingest.sink.VideoFileSink;
import dev.restyle.ingest.source.FrameSource;
import dev.restyle.ingest.source.VideoFileSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which source or sink a URI names, by its scheme: a path or {@code file:} URI is a video file;
 * {@code rtsp}, {@code rtsps}, {@code rtmp}, {@code rtmps}, {@code http}, {@code https}, {@code
 * srt} and {@code udp} are live streams read by FFmpeg; sinks write files ({@code .m3u8}: HLS) or
 * push to {@code rtsp} and {@code rtmp} servers.
 *
 * <p>Other transports plug in by scheme, e.g. {@code Endpoints.standard().withSource("kafka", new
 * KafkaSources()).withSink("kafka", new KafkaSinks())}; the YAML configs and the command line then
 * accept {@code kafka://} URIs.
 */
public final class Endpoints {
  /** The scheme of plain paths. */
  public static final String FILE = "file";

  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://");

  private final Map<String, SourceProvider> sources;
  private final Map<String, SinkProvider> sinks;

  private Endpoints(Map<String, SourceProvider> sources, Map<String, SinkProvider> sinks) {
    this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    this.sinks = Collections.unmodifiableMap(new LinkedHashMap<>(sinks));
  }

  /** Files and FFmpeg's live protocols. */
  public static Endpoints standard() {
    Map<String, SourceProvider> sources = new LinkedHashMap<>();
    Map<String, SinkProvider> sinks = new LinkedHashMap<>();
    sources.put(FILE, new FileSources());
    SourceProvider live = new LiveSources();
    for (String scheme :
        new String[] {"rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "srt", "udp"}) {
      sources.put(scheme, live);
    }
    sinks.put(FILE, new FileSinks());
    SinkProvider push = new PushSinks();
    for (String scheme : new String[] {"rtsp", "rtsps", "rtmp", "rtmps"}) {
      sinks.put(scheme, push);
    }
    return new Endpoints(sources, sinks);
  }

  /** These endpoints and a source for another scheme. */
  public Endpoints withSource(String scheme, SourceProvider provider) {
    Map<String, SourceProvider> more = new LinkedHashMap<>(sources);
    more.put(scheme.toLowerCase(Locale.ROOT), provider);
    return new Endpoints(more, sinks);
  }

  /** These endpoints and a sink for another scheme. */
  public Endpoints withSink(String scheme, SinkProvider provider) {
    Map<String, SinkProvider> more = new LinkedHashMap<>(sinks);
    more.put(scheme.toLowerCase(Locale.ROOT), provider);
    return new Endpoints(sources, more);
  }

  /** The scheme of a URI, lower case; {@value #FILE} for a plain path. */
  public static String scheme(String uri) {
    Matcher m = SCHEME.matcher(uri);
    return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : FILE;
  }

  /**
   * The provider of a source URI.
   *
   * @throws IllegalArgumentException naming the schemes there are
   */
  public SourceProvider source(String uri) {
    SourceProvider provider = sources.get(scheme(uri));
    if (provider == null) {
      throw new IllegalArgumentException(
          "no source for '"
              + scheme(uri)
              + "://' (known: "
              + String.join(", ", sources.keySet())
              + ")");
    }
    return provider;
  }

  /**
   * The provider of a sink URI.
   *
   * @throws IllegalArgumentException naming the schemes there are
   */
  public SinkProvider sink(String uri) {
    SinkProvider provider = sinks.get(scheme(uri));
    if (provider == null) {
      throw new IllegalArgumentException(
          "no sink for '"
              + scheme(uri)
              + "://' (known: "
              + String.join(", ", sinks.keySet())
              + ")");
    }
    return provider;
  }

  /**
   * Checks that a sink URI can be opened before any work starts: a known scheme, and for files an
   * extension that names a container.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public void checkSink(String uri) {
    sink(uri);
    if (scheme(uri).equals(FILE) && StreamSink.Kind.of(uri) != StreamSink.Kind.HLS) {
      VideoFileSink.containerOf(filePath(uri));
    }
  }

  /**
   * Checks that a source and a sink work together (a transport may need both ends of its own).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public void check(SourceConfig source, SinkConfig sink) {
    source(source.uri()).check(source, sink);
    sink(sink.uri()).check(source, sink);
  }

  /** Opens the source a config names, with the stream id it gives or one from its URI. */
  public FrameSource openSource(SourceConfig config, MeterRegistry registry)
      throws IOException, InterruptedException {
    return source(config.uri()).open(config, streamId(config), registry);
  }

  /** Opens the sink a config names for the frames of {@code source}. */
  public FrameSink openSink(SinkConfig config, FrameSource source) throws IOException {
    return sink(config.uri()).open(config, source);
  }

  /**
   * The config's stream id, else a short one from its URI: a file's name, a URL's host and path.
   */
  public static String streamId(SourceConfig config) {
    if (!config.id().isBlank()) {
      return config.id();
    }
    String uri = config.uri();
    if (scheme(uri).equals(FILE)) {
      Path name = filePath(uri).getFileName();
      return name == null ? uri : name.toString();
    }
    try {
      URI parsed = URI.create(uri);
      String host = parsed.getHost() == null ? "" : parsed.getHost();
      String path = parsed.getPath() == null ? "" : parsed.getPath();
      String id = (host + path).replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_|_$", "");
      return id.isEmpty() ? scheme(uri) : id;
    } catch (IllegalArgumentException e) {
      return scheme(uri);
    }
  }

  /** The path of a plain path or {@code file:} URI. */
  static Path filePath(String uri) {
    return uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
  }

  private static final class FileSources implements SourceProvider {
    @Override
    public int defaultQueue() {
      return 8;
    }

    @Override
    public OverflowPolicy defaultOverflow() {
      return OverflowPolicy.BLOCK;
    }

    @Override
    public FrameSource open(SourceConfig config, String streamId, MeterRegistry registry)
        throws IOException {
      return VideoFileSource.open(filePath(config.uri()), streamId);
    }
  }

  private static final class LiveSources implements SourceProvider {
    @Override
    public int defaultQueue() {
      return 2;
    }

    @Override
    public OverflowPolicy defaultOverflow() {
      return OverflowPolicy.DROP_OLDEST;
    }

    @Override
    public FrameSource open(SourceConfig config, String streamId, MeterRegistry registry)
        throws IOException, InterruptedException {
      return LiveSource.open(
          config.uri(),
          streamId,
          new LiveSource.Settings(
              config.transport(), config.timeout(), config.reconnect(), config.options()),
          registry);
    }
  }

  private static final class FileSinks implements SinkProvider {
    @Override
    public FrameSink open(SinkConfig config, FrameSource source) throws IOException {
      if (StreamSink.Kind.of(config.uri()) == StreamSink.Kind.HLS) {
        return StreamSink.open(filePath(config.uri()).toString(), source.info(), settings(config));
      }
      return VideoFileSink.open(
          filePath(config.uri()),
          source.info(),
          source.openAudio(),
          VideoFileSink.Settings.DEFAULT);
    }
  }

  private static final class PushSinks implements SinkProvider {
    @Override
    public FrameSink open(SinkConfig config, FrameSource source) throws IOException {
      return StreamSink.open(config.uri(), source.info(), settings(config));
    }
  }

  private static StreamSink.Settings settings(SinkConfig config) {
    return new StreamSink.Settings(
        config.transport(), config.segmentSeconds(), config.playlistSize());
  }
}
