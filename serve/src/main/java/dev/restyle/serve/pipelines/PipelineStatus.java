package dev.restyle.serve.pipelines;

import java.util.Map;

/**
 * A pipeline as the API shows it.
 *
 * @param id its id
 * @param kind its {@link PipelineKind}
 * @param state where it is
 * @param options what it was started with
 * @param createdAt when it was accepted (ISO-8601)
 * @param startedAt when it started running, or null
 * @param finishedAt when it ended, or null
 * @param progress frames so far
 * @param metrics live meters of its stages
 * @param error why it failed, or null
 * @param output where to download its result once it has succeeded, or null
 */
public record PipelineStatus(
    String id,
    String kind,
    PipelineState state,
    Map<String, String> options,
    String createdAt,
    String startedAt,
    String finishedAt,
    Progress progress,
    Metrics metrics,
    String error,
    String output) {

  /**
   * @param framesIn frames read from the source
   * @param framesOut frames written to the sink
   * @param expectedFrames frames the source announced, or -1 (live, unknown)
   * @param fraction framesOut / expectedFrames, 1 once succeeded, or null if unknown
   * @param framesPerSecond frames written per second of running time
   */
  public record Progress(
      long framesIn,
      long framesOut,
      long expectedFrames,
      Double fraction,
      double framesPerSecond) {}

  /**
   * @param framesDropped frames a full queue dropped (live sources)
   * @param decodeErrors damaged input skipped or concealed
   * @param batches network passes
   * @param inferenceMeanMillis mean time of a pass
   * @param frameLatencyMeanMillis mean time of a frame from decoding to encoding
   * @param queueDepths items waiting between stages, by queue
   */
  public record Metrics(
      long framesDropped,
      long decodeErrors,
      long batches,
      double inferenceMeanMillis,
      double frameLatencyMeanMillis,
      Map<String, Integer> queueDepths) {}
}
