package dev.restyle.ingest.config;

import dev.restyle.ingest.live.Backoff;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import java.time.Duration;
import java.util.Map;

/**
 * Where frames come from.
 *
 * @param uri a video file path, or a URL whose scheme names the source ({@code rtsp://}, {@code
 *     rtmp://}, {@code http://}, ...; see {@link dev.restyle.ingest.endpoint.Endpoints})
 * @param id the stream id that frames and metrics carry; empty to derive one from the URI
 * @param transport RTSP transport, {@code tcp} or {@code udp}
 * @param timeout how long a live source waits for data before it counts the stream as lost
 * @param queue frames the queue behind the source holds
 * @param overflow what that queue does when full: block (files), drop the oldest (live)
 * @param reconnect how a live source retries when the stream is lost
 * @param options further options for the source (FFmpeg format options for FFmpeg sources)
 */
public record SourceConfig(
    String uri,
    String id,
    String transport,
    Duration timeout,
    int queue,
    OverflowPolicy overflow,
    Backoff reconnect,
    Map<String, String> options) {

  public SourceConfig {
    id = id == null ? "" : id;
    options = options == null ? Map.of() : Map.copyOf(options);
    reconnect = reconnect == null ? Backoff.DEFAULT : reconnect;
  }
}
