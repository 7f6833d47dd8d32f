package dev.restyle.serve.pipelines;

import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.serve.inference.InferenceQueue;
import dev.restyle.serve.inference.QueuedProcessor;
import dev.restyle.serve.styles.StyleCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

/**
 * What the service lends a {@link PipelineKind} to open a pipeline with.
 *
 * @param id the pipeline's id (use it as the stream id: metrics are tagged with it)
 * @param directory a folder of the pipeline's own, deleted with the pipeline
 * @param styles the styles
 * @param queue the shared inference stage
 * @param maxBatch the service's batch size
 * @param registry the service's meters, for meters a source or sink keeps of its own
 */
public record PipelineContext(
    String id,
    Path directory,
    StyleCatalog styles,
    InferenceQueue queue,
    int maxBatch,
    MeterRegistry registry) {

  /** A network stage for {@code style} that runs on the shared inference stage. */
  public BatchProcessor processor(String style, StyleOptions options) {
    return new QueuedProcessor(queue, styles.stylizer(style), options);
  }
}
