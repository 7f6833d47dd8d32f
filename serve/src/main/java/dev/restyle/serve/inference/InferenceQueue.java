package dev.restyle.serve.inference;

import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.stylize.StyleOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one inference stage every request and pipeline of the service shares: images wait in one
 * queue and a single worker thread runs them through the network in batches, so the network is
 * never run from two threads at once and many small requests share passes.
 *
 * <p>A batch holds images of one style, one set of {@link StyleOptions} and one size (a batch is
 * one tensor), at most {@code maxBatch} of them, taken in arrival order: the oldest waiting image
 * opens each batch and the later ones that match join it. After its first image a batch waits at
 * most {@code maxWait} for more; with zero it takes what is already queued, which batches under
 * load and adds no latency when idle.
 *
 * <p>Meters: {@value #QUEUE_DEPTH} (gauge), {@value #BATCH_SIZE}, {@value #INFERENCE} (each pass),
 * {@value #WAIT} (queued to pass start), {@value #REJECTED} (queue full), {@value #FAILED}.
 */
public final class InferenceQueue implements AutoCloseable {
  public static final String QUEUE_DEPTH = "restyle.serve.queue.depth";
  public static final String BATCH_SIZE = "restyle.serve.batch.size";
  public static final String INFERENCE = "restyle.serve.inference.latency";
  public static final String WAIT = "restyle.serve.queue.wait";
  public static final String REJECTED = "restyle.serve.queue.rejected";
  public static final String FAILED = "restyle.serve.inference.failed";

  private static final Logger LOG = LoggerFactory.getLogger(InferenceQueue.class);

  /** What images must share to go through the network together. */
  private record Key(BatchStylizer stylizer, StyleOptions options, int width, int height) {}

  private record Job(Key key, byte[] rgb, CompletableFuture<byte[]> result, long queuedNanos) {}

  private final int maxBatch;
  private final long maxWaitNanos;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Thread worker;
  private final DistributionSummary batchSize;
  private final Timer inference;
  private final Timer wait;
  private final Counter rejected;
  private final Counter failed;
  private volatile boolean running = true;

  public InferenceQueue(int maxBatch, Duration maxWait, int capacity, MeterRegistry registry) {
    if (maxBatch < 1 || capacity < 1 || maxWait.isNegative()) {
      throw new IllegalArgumentException(
          "need maxBatch >= 1, capacity >= 1 and maxWait >= 0, got "
              + maxBatch
              + ", "
              + capacity
              + ", "
              + maxWait);
    }
    this.maxBatch = maxBatch;
    this.maxWaitNanos = maxWait.toNanos();
    this.capacity = capacity;
    Gauge.builder(QUEUE_DEPTH, this::depth)
        .description("images waiting for the shared inference stage")
        .register(registry);
    batchSize =
        DistributionSummary.builder(BATCH_SIZE)
            .description("images per network pass")
            .baseUnit("images")
            .register(registry);
    inference =
        Timer.builder(INFERENCE)
            .description("one batch through the network")
            .publishPercentileHistogram()
            .register(registry);
    wait =
        Timer.builder(WAIT)
            .description("time an image waits in the queue before its pass")
            .publishPercentileHistogram()
            .register(registry);
    rejected =
        Counter.builder(REJECTED).description("images refused: queue full").register(registry);
    failed =
        Counter.builder(FAILED).description("images whose network pass failed").register(registry);
    worker = Thread.ofPlatform().name("restyle-inference").daemon(true).unstarted(this::work);
    worker.start();
  }

  /**
   * Queues an image for an HTTP request.
   *
   * @param rgb packed RGB, {@code width * height * 3} bytes
   * @throws QueueFullException if {@code capacity} images are already waiting
   */
  public CompletableFuture<byte[]> submit(
      BatchStylizer stylizer, byte[] rgb, int width, int height, StyleOptions options) {
    return enqueue(stylizer, rgb, width, height, options, true);
  }

  /**
   * Queues an image for a pipeline: never refused for a full queue (a pipeline queues at most one
   * batch at a time, and its own queues give the backpressure).
   */
  public CompletableFuture<byte[]> submitUnbounded(
      BatchStylizer stylizer, byte[] rgb, int width, int height, StyleOptions options) {
    return enqueue(stylizer, rgb, width, height, options, false);
  }

  private CompletableFuture<byte[]> enqueue(
      BatchStylizer stylizer,
      byte[] rgb,
      int width,
      int height,
      StyleOptions options,
      boolean bounded) {
    Objects.requireNonNull(stylizer, "stylizer");
    Objects.requireNonNull(options, "options");
    if (width <= 0 || height <= 0 || (long) width * height * 3 != rgb.length) {
      throw new IllegalArgumentException(
          "a " + width + "x" + height + " RGB image cannot hold " + rgb.length + " bytes");
    }
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    lock.lock();
    try {
      if (!running) {
        throw new IllegalStateException("the inference stage is shut down");
      }
      if (bounded && queue.size() >= capacity) {
        rejected.increment();
        throw new QueueFullException(capacity);
      }
      queue.addLast(
          new Job(new Key(stylizer, options, width, height), rgb, result, System.nanoTime()));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return result;
  }

  /** Images waiting. */
  public int depth() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the worker thread is alive (readiness). */
  public boolean isRunning() {
    return running && worker.isAlive();
  }

  private void work() {
    try {
      List<Job> batch;
      while ((batch = nextBatch()) != null) {
        run(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      failPending();
    }
  }

  /** The next batch, or null once closed. */
  private List<Job> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while (running && queue.isEmpty()) {
        changed.await();
      }
      if (!running) {
        return null;
      }
      Job first = queue.pollFirst();
      List<Job> batch = new ArrayList<>(maxBatch);
      batch.add(first);
      long deadline = System.nanoTime() + maxWaitNanos;
      while (true) {
        for (Iterator<Job> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
          Job job = it.next();
          if (job.key().equals(first.key())) {
            it.remove();
            batch.add(job);
          }
        }
        long left = deadline - System.nanoTime();
        if (batch.size() >= maxBatch || left <= 0 || !running) {
          return batch;
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  private void run(List<Job> batch) {
    Key key = batch.getFirst().key();
    long start = System.nanoTime();
    for (Job job : batch) {
      wait.record(start - job.queuedNanos(), TimeUnit.NANOSECONDS);
    }
    List<byte[]> images = new ArrayList<>(batch.size());
    batch.forEach(job -> images.add(job.rgb()));
    List<byte[]> out;
    try {
      out = key.stylizer().stylize(images, key.width(), key.height(), key.options());
    } catch (RuntimeException | OutOfMemoryError e) {
      LOG.warn(
          "a batch of {} {}x{} images failed in the network",
          batch.size(),
          key.width(),
          key.height(),
          e);
      failed.increment(batch.size());
      batch.forEach(job -> job.result().completeExceptionally(e));
      return;
    }
    inference.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    batchSize.record(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(out.get(i));
    }
  }

  private void failPending() {
    lock.lock();
    try {
      running = false;
      Job job;
      while ((job = queue.pollFirst()) != null) {
        job.result()
            .completeExceptionally(new CancellationException("the server is shutting down"));
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the worker after its current batch; waiting images fail with a cancellation. */
  @Override
  public void close() {
    lock.lock();
    try {
      running = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      worker.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failPending();
  }
}
