package dev.restyle.ingest.endpoint;

import dev.restyle.ingest.config.SinkConfig;
import dev.restyle.ingest.config.SourceConfig;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import dev.restyle.ingest.source.FrameSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;

/** Opens the sources of one or more URI schemes. */
public interface SourceProvider {

  /** How many frames the queue behind such a source holds unless the config says otherwise. */
  int defaultQueue();

  /** What that queue does when full unless the config says otherwise. */
  OverflowPolicy defaultOverflow();

  /**
   * Opens a source.
   *
   * @param streamId the id its frames and meters carry
   * @param registry where the source registers meters of its own (reconnects, lag, ...)
   */
  FrameSource open(SourceConfig config, String streamId, MeterRegistry registry)
      throws IOException, InterruptedException;

  /**
   * Checks, before anything opens, that this source works with the other end of the pipeline (e.g.
   * one that must be paired with a sink of its own transport).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  default void check(SourceConfig source, SinkConfig sink) {}
}
