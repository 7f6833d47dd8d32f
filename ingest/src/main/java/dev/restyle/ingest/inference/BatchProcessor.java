package dev.restyle.ingest.inference;

import dev.restyle.ingest.frame.Frame;
import java.util.List;

/**
 * The work a pipeline does on each batch: the style network, or anything else frame to frame.
 *
 * <p>A pipeline with more than one {@linkplain
 * dev.restyle.ingest.pipeline.Pipeline.Builder#predictors predictor} calls {@link #process} from
 * several threads at once: an implementation used so must be thread-safe.
 */
@FunctionalInterface
public interface BatchProcessor {

  /**
   * Processes a batch.
   *
   * @param batch frames of one size, in stream order, at least one
   * @return one frame for each input frame, in the same order, with the same stream, index and
   *     timestamp (see {@link Frame#withPixels})
   */
  List<Frame> process(List<Frame> batch);
}
