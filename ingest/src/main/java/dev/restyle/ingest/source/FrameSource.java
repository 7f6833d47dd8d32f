package dev.restyle.ingest.source;

import dev.restyle.ingest.audio.AudioTrack;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import java.io.IOException;
import java.util.Optional;

/**
 * Where frames come from: a video file now, an RTSP camera or a Kafka topic later. A source is read
 * by one thread, in order.
 */
public interface FrameSource extends AutoCloseable {

  /** What is known about the stream. */
  StreamInfo info();

  /**
   * The next frame, blocking until one is decoded.
   *
   * @return the frame, or {@code null} at the end of the stream
   * @throws IOException if the stream cannot be read any further
   */
  Frame read() throws IOException;

  /**
   * Damaged input the source skipped or concealed so far (a packet that did not decode, a frame the
   * decoder flagged as corrupt). The stream goes on; the count feeds a metric.
   */
  long decodeErrors();

  /**
   * The stream's audio, for a sink to pass through to its output, opened anew on each call; empty
   * if the stream has none or the source cannot give it.
   */
  default Optional<AudioTrack> openAudio() throws IOException {
    return Optional.empty();
  }

  /**
   * Ends the stream early, from any thread: {@link #read} returns {@code null} once the read in
   * progress (if any) completes. Sources that may block in {@link #read} for long (live streams,
   * topics) implement this; by default the stream ends at the next frame its reader discards.
   */
  default void stop() {}

  @Override
  void close() throws IOException;
}
