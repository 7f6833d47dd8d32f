package dev.restyle.serve.pipelines;

import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import dev.restyle.ingest.sink.FrameSink;
import dev.restyle.ingest.source.FrameSource;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An opened pipeline, ready to run: the manager closes the sink, then the source, when it ends.
 *
 * @param source where frames come from
 * @param processor the network stage (normally {@link PipelineContext#processor})
 * @param sink where stylised frames go
 * @param maxBatch most frames the pipeline hands the inference stage at once
 * @param overflow what the source queue does when full (BLOCK for files, DROP_OLDEST for live)
 * @param output the file the pipeline produces, for download, if it produces one
 * @param live whether the source runs until stopped (a camera, a topic): stopping it ends its
 *     stream and lets the frames in flight through, and the pipeline succeeds; other pipelines are
 *     cancelled
 */
public record PipelineParts(
    FrameSource source,
    BatchProcessor processor,
    FrameSink sink,
    int maxBatch,
    OverflowPolicy overflow,
    Optional<Path> output,
    boolean live) {
  public PipelineParts {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(processor, "processor");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(overflow, "overflow");
    Objects.requireNonNull(output, "output");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
  }

  /** Parts of a pipeline that ends by itself (a file). */
  public PipelineParts(
      FrameSource source,
      BatchProcessor processor,
      FrameSink sink,
      int maxBatch,
      OverflowPolicy overflow,
      Optional<Path> output) {
    this(source, processor, sink, maxBatch, overflow, output, false);
  }
}
