package dev.restyle.ingest.endpoint;

import dev.restyle.ingest.config.SinkConfig;
import dev.restyle.ingest.sink.FrameSink;
import dev.restyle.ingest.source.FrameSource;
import java.io.IOException;

/** Opens the sinks of one or more URI schemes. */
public interface SinkProvider {

  /**
   * Opens a sink for the frames of {@code source} (its {@link FrameSource#info()} gives their size
   * and rate; a sink may pass its audio through).
   */
  FrameSink open(SinkConfig config, FrameSource source) throws IOException;
}
