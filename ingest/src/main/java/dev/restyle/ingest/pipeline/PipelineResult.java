package dev.restyle.ingest.pipeline;

import java.time.Duration;

/**
 * What a pipeline run did.
 *
 * @param streamId the stream
 * @param framesIn frames read from the source
 * @param framesOut frames written to the sink
 * @param framesDropped frames dropped by the queues' overflow policy (live sources)
 * @param decodeErrors damaged input the source skipped or concealed
 * @param batches network passes
 * @param elapsed wall time from start to the sink's completion
 */
public record PipelineResult(
    String streamId,
    long framesIn,
    long framesOut,
    long framesDropped,
    long decodeErrors,
    long batches,
    Duration elapsed) {

  /** Frames written per second of wall time. */
  public double framesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? framesOut / seconds : 0;
  }
}
