package dev.restyle.serve.inference;

import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.inference.BatchProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A pipeline's inference stage that hands its frames to the service's shared {@link InferenceQueue}
 * instead of running the network itself, so video jobs and image requests share one network stage
 * (and its batches) rather than competing for the CPU.
 */
public final class QueuedProcessor implements BatchProcessor {
  private final InferenceQueue queue;
  private final BatchStylizer stylizer;
  private final StyleOptions options;

  public QueuedProcessor(InferenceQueue queue, BatchStylizer stylizer, StyleOptions options) {
    this.queue = queue;
    this.stylizer = stylizer;
    this.options = options;
  }

  @Override
  public List<Frame> process(List<Frame> batch) {
    List<CompletableFuture<byte[]>> pending = new ArrayList<>(batch.size());
    for (Frame frame : batch) {
      pending.add(
          queue.submitUnbounded(stylizer, frame.rgb(), frame.width(), frame.height(), options));
    }
    List<Frame> out = new ArrayList<>(batch.size());
    try {
      for (int i = 0; i < batch.size(); i++) {
        out.add(batch.get(i).withPixels(pending.get(i).get()));
      }
    } catch (InterruptedException e) {
      pending.forEach(f -> f.cancel(false));
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the network");
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "the shared inference stage failed: " + e.getCause().getMessage(), e.getCause());
    }
    return out;
  }
}
