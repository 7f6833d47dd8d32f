package dev.restyle.serve.pipelines;

import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.config.MetricsConfig;
import dev.restyle.ingest.config.PipelineConfig;
import dev.restyle.ingest.config.SinkConfig;
import dev.restyle.ingest.config.SourceConfig;
import dev.restyle.ingest.config.StyleConfig;
import dev.restyle.ingest.endpoint.Endpoints;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.live.Backoff;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import dev.restyle.ingest.sink.FrameSink;
import dev.restyle.ingest.source.FrameSource;
import dev.restyle.serve.http.ApiException;
import dev.restyle.serve.http.Params;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A live stream stylised until stopped (the pipeline of {@code restyle stream}): options {@code
 * url} (rtsp://, rtmp://, http://, srt://), {@code output} ({@code mp4}: a file in the pipeline's
 * folder, downloadable once stopped; {@code hls}: a playlist served under {@code
 * /api/pipelines/ID/files/}; or an {@code rtsp://} or {@code rtmp://} URL to push to), {@code
 * transport} (tcp or udp), and the style options. The queue behind the camera keeps the newest 2
 * frames; a lost stream is reconnected (3 attempts in a row, then the pipeline ends).
 */
public final class RtspKind implements PipelineKind {
  public static final String NAME = "rtsp";

  /** The HLS playlist's name in the pipeline's folder. */
  public static final String PLAYLIST = "stream.m3u8";

  private static final Set<String> OPTIONS =
      PipelineRequest.optionsWithCommon("url", "output", "transport");
  private static final Backoff RECONNECT =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5), 2.0, 3);

  private final Endpoints endpoints = Endpoints.standard();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "a live stream (rtsp://, rtmp://, http://, srt://) stylised until stopped into an MP4, an"
        + " HLS playlist or an RTSP/RTMP push (options url, output, transport, style)";
  }

  @Override
  public PipelineParts open(PipelineRequest request, PipelineContext context) throws IOException {
    request.requireOnly(OPTIONS, "an rtsp pipeline");
    String url = request.require("url");
    if (Endpoints.scheme(url).equals(Endpoints.FILE)) {
      throw new IllegalArgumentException("'url' must be a stream URL (rtsp://...), got " + url);
    }
    String output = request.option("output").orElse("mp4");
    Optional<Path> file =
        switch (output) {
          case "mp4" -> Optional.of(context.directory().resolve("output.mp4"));
          case "hls" -> Optional.empty();
          default -> {
            if (!output.contains("://")) {
              throw new IllegalArgumentException(
                  "'output' must be mp4, hls or an rtsp:// or rtmp:// URL, got " + output);
            }
            yield Optional.empty();
          }
        };
    String sinkUri =
        switch (output) {
          case "mp4" -> file.orElseThrow().toString();
          case "hls" -> context.directory().resolve(PLAYLIST).toString();
          default -> output;
        };
    String transport = request.option("transport").orElse("tcp");
    SourceConfig source =
        new SourceConfig(
            url,
            context.id(),
            transport,
            Duration.ofSeconds(5),
            2,
            OverflowPolicy.DROP_OLDEST,
            RECONNECT,
            Map.of());
    SinkConfig sink = new SinkConfig(sinkUri, transport, 2, 6, Map.of());
    String style = request.require("style");
    StyleOptions options = Params.options(request::option);
    // Every problem with the URLs and transport at once, as `restyle stream` reports them.
    new PipelineConfig(
        source,
        sink,
        new StyleConfig(style, options.strength(), options.preserveColours()),
        null,
        Duration.ZERO,
        1,
        null,
        MetricsConfig.NONE);
    endpoints.source(url);
    endpoints.checkSink(sinkUri);
    BatchProcessor processor = context.processor(style, options); // unknown style: 404 first
    FrameSource frames;
    try {
      frames = endpoints.openSource(source, context.registry());
    } catch (IOException e) {
      throw new ApiException(502, "cannot read " + url + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting to " + url, e);
    }
    try {
      FrameSink out = endpoints.openSink(sink, frames);
      return new PipelineParts(
          frames, processor, out, context.maxBatch(), OverflowPolicy.DROP_OLDEST, file, true);
    } catch (IOException | RuntimeException e) {
      frames.close();
      throw e;
    }
  }
}
