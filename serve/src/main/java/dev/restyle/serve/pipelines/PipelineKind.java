package dev.restyle.serve.pipelines;

import java.io.IOException;

/**
 * A kind of pipeline the service can run as a resource under {@code /api/pipelines}: a video upload
 * now; an RTSP feed or a Kafka topic plug in the same way. A kind only opens the parts (source,
 * processor, sink) from a start request; the {@link PipelineManager} runs them on the ingest {@link
 * dev.restyle.ingest.pipeline.Pipeline}, reports progress and live metrics, and stops and cleans
 * up. To add a kind, implement this and register it with {@link
 * dev.restyle.serve.RestyleServer.Builder#pipelineKind}.
 */
public interface PipelineKind {

  /** The name clients pass as {@code kind} (lower case, dashes). */
  String name();

  /** One line for people. */
  String description();

  /**
   * Opens a pipeline's parts.
   *
   * @param request the client's options (and upload, for kinds that take one)
   * @param context the service's shared pieces: styles, the shared inference stage, a work folder
   * @throws IllegalArgumentException for options that are missing or wrong (a 400 for the client)
   * @throws IOException if the source or sink cannot be opened
   */
  PipelineParts open(PipelineRequest request, PipelineContext context) throws IOException;
}
