package dev.restyle.ingest.pipeline;

import dev.restyle.ingest.frame.Frame;

/** Told of progress, on the sink's thread: keep it quick. */
@FunctionalInterface
public interface PipelineListener {
  PipelineListener NONE = (frame, written) -> {};

  /** {@code frame} was written; {@code written} frames have been so far. */
  void frameWritten(Frame frame, long written);
}
