package dev.restyle.ingest.pipeline;

import dev.restyle.ingest.frame.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Groups frames into batches for the network: frames of one size, in order, at most {@code
 * maxBatch} of them, and a batch leaves at most {@code maxWait} after its first frame arrived,
 * whichever comes first. A frame of another size closes the batch before it (a batch is one
 * tensor). With {@code maxWait} zero, a batch is whatever is already queued, up to {@code
 * maxBatch}.
 */
public final class Batcher {
  private final int maxBatch;
  private final long maxWaitNanos;

  public Batcher(int maxBatch, Duration maxWait) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
    }
    this.maxBatch = maxBatch;
    this.maxWaitNanos = maxWait.toNanos();
  }

  public int maxBatch() {
    return maxBatch;
  }

  public Duration maxWait() {
    return Duration.ofNanos(maxWaitNanos);
  }

  /**
   * Moves every frame of {@code in} into batches on {@code out} until {@code in} is drained. Does
   * not close {@code out}.
   */
  public void run(Channel<Frame> in, Channel<List<Frame>> out) throws InterruptedException {
    List<Frame> batch = new ArrayList<>(maxBatch);
    long deadline = 0;
    while (true) {
      Frame frame;
      if (batch.isEmpty()) {
        frame = in.take();
        if (frame == null) {
          return;
        }
        deadline = System.nanoTime() + maxWaitNanos;
      } else {
        frame = in.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (frame == null) {
          out.put(batch);
          batch = new ArrayList<>(maxBatch);
          if (in.isDrained()) {
            return;
          }
          continue;
        }
        if (!batch.get(0).sameSize(frame)) {
          out.put(batch);
          batch = new ArrayList<>(maxBatch);
          deadline = System.nanoTime() + maxWaitNanos;
        }
      }
      batch.add(frame);
      if (batch.size() >= maxBatch) {
        out.put(batch);
        batch = new ArrayList<>(maxBatch);
      }
    }
  }
}
