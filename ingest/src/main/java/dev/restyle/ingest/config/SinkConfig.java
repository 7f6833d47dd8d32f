package dev.restyle.ingest.config;

import java.util.Map;

/**
 * Where stylised frames go.
 *
 * @param uri a video file ({@code .mp4}, {@code .mkv}, {@code .mov}), an HLS playlist ({@code
 *     .m3u8}) or a push URL ({@code rtsp://}, {@code rtmp://})
 * @param transport RTSP transport for pushes, {@code tcp} or {@code udp}
 * @param segmentSeconds HLS segment length
 * @param playlistSize HLS segments kept
 * @param options further options for the sink
 */
public record SinkConfig(
    String uri,
    String transport,
    int segmentSeconds,
    int playlistSize,
    Map<String, String> options) {

  public SinkConfig {
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  /** A sink with the default transport (tcp) and HLS settings (2 s segments, 6 kept). */
  public static SinkConfig of(String uri) {
    return new SinkConfig(uri, "tcp", 2, 6, Map.of());
  }
}
