package dev.restyle.ingest.endpoint;

import dev.restyle.ingest.config.SinkConfig;
import dev.restyle.ingest.config.SourceConfig;
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

  /**
   * Checks, before anything opens, that this sink works with the other end of the pipeline (e.g.
   * one that must be paired with a source of its own transport).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  default void check(SourceConfig source, SinkConfig sink) {}
}
