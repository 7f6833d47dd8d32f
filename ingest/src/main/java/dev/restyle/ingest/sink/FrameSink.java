package dev.restyle.ingest.sink;

import dev.restyle.ingest.frame.Frame;
import java.io.IOException;

/**
 * Where stylised frames go: a video file now, an RTSP server or a Kafka topic later. A sink is
 * written by one thread, in order.
 *
 * <p>Life cycle: {@link #write} each frame, {@link #finish} once at the end of the stream, then
 * {@link #close}. Closing a sink that was not finished abandons the output (a file sink deletes its
 * partial file), which is what a failed pipeline does.
 */
public interface FrameSink extends AutoCloseable {

  /** Writes one frame. */
  void write(Frame frame) throws IOException;

  /** Flushes everything and completes the output. */
  void finish() throws IOException;

  /** Releases the sink; abandons the output unless {@link #finish} completed. */
  @Override
  void close() throws IOException;
}
