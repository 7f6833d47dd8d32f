package dev.restyle.ingest.pipeline;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.metrics.PipelineMetrics;
import dev.restyle.ingest.sink.FrameSink;
import dev.restyle.ingest.source.FrameSource;
import dev.restyle.ingest.temporal.TemporalSettings;
import dev.restyle.ingest.temporal.TemporalStabilizer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stylises a stream: four stages on threads of their own, joined by bounded queues, and a fifth
 * with temporal stabilisation on.
 *
 * <pre>
 * source --decoded--> batcher --batches--> inference --processed--> sink
 * source --decoded--> batcher --batches--> inference --stylised--> temporal --processed--> sink
 * </pre>
 *
 * <ul>
 *   <li>the source stage reads frames and queues them; when the queue is full it waits (files: no
 *       frame is ever dropped) or drops per the {@link OverflowPolicy} (live sources);
 *   <li>the batcher groups them ({@link Batcher}); with a dropping policy the queue behind it holds
 *       one batch, replaced by a newer one if the network is busy (drops are counted per frame);
 *   <li>the inference stage runs each batch through the {@link BatchProcessor} (the network), on
 *       {@linkplain Builder#predictors a configurable number} of threads that take batches
 *       concurrently; batches are numbered as they are taken and handed on strictly in that order
 *       (a worker that finishes early waits its turn, so at most one batch per worker is in
 *       flight);
 *   <li>with {@linkplain Builder#temporal temporal stabilisation} on, the temporal stage steadies
 *       each stylised frame against the previous output of its stream ({@link TemporalStabilizer},
 *       keyed by the frame's stream id, so frames of interleaved streams are each steadied against
 *       their own), in order, on a thread of its own so that it overlaps the next network pass;
 *   <li>the sink stage writes frames in order, then {@linkplain FrameSink#finish() finishes} the
 *       sink at the end of the stream.
 * </ul>
 *
 * <p>The end of the stream travels down the queues; {@link #run} returns once the sink has
 * finished. If any stage fails, every queue is aborted, which stops the other stages where they
 * wait, and {@link #run} throws that first failure once all threads have ended. The pipeline
 * neither closes its source nor its sink: the caller does (closing an unfinished sink abandons its
 * output).
 *
 * <p>Frames reach the sink in the order the source gave them, whatever the number of inference
 * threads; a pipeline runs once.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final FrameSource source;
  private final BatchProcessor processor;
  private final FrameSink sink;
  private final Batcher batcher;
  private final int queueCapacity;
  private final OverflowPolicy overflow;
  private final PipelineMetrics metrics;
  private final PipelineListener listener;
  private final String streamId;
  private final int predictors;
  private final Sequencer sequencer = new Sequencer();
  private final TemporalSettings temporal;
  private final MeterRegistry registry;
  private volatile TemporalStabilizer stabilizer;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicReference<Failure> failure = new AtomicReference<>();
  private final List<Channel<?>> channels = new ArrayList<>();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong framesIn = new AtomicLong();
  private final AtomicLong framesOut = new AtomicLong();
  private final AtomicLong decodeErrors = new AtomicLong();
  private final AtomicLong framesDropped = new AtomicLong();
  private volatile boolean stopRequested;
  private volatile Channel<Frame> decoded;
  private volatile Channel<List<Frame>> batched;

  private record Failure(String stage, Throwable cause) {}

  /** A frame the network was given and what it made of it, for the temporal stage. */
  private record Painted(Frame source, Frame stylised) {}

  /** Where the inference stage hands a frame on. */
  @FunctionalInterface
  private interface Handoff {
    void put(Frame source, Frame stylised) throws InterruptedException;
  }

  private Pipeline(Builder b) {
    this.source = b.source;
    this.processor = b.processor;
    this.sink = b.sink;
    this.batcher = new Batcher(b.maxBatch, b.maxWait);
    this.queueCapacity = b.queueCapacity > 0 ? b.queueCapacity : Math.max(8, 2 * b.maxBatch);
    this.overflow = b.overflow;
    this.streamId = source.info().streamId();
    this.metrics = new PipelineMetrics(b.registry, streamId);
    this.listener = b.listener;
    this.predictors = b.predictors;
    this.temporal = b.temporal;
    this.registry = b.registry;
  }

  /** How frames are steadied over time ({@link TemporalSettings#OFF} if not). */
  public TemporalSettings temporal() {
    return temporal;
  }

  /**
   * The temporal stabiliser (its {@linkplain TemporalStabilizer#metrics() meters}), once {@link
   * #run} has started with temporal stabilisation on; null otherwise.
   */
  public TemporalStabilizer stabilizer() {
    return stabilizer;
  }

  /** A builder for a pipeline from {@code source} through {@code processor} to {@code sink}. */
  public static Builder builder(FrameSource source, BatchProcessor processor, FrameSink sink) {
    return new Builder(source, processor, sink);
  }

  /** The pipeline's meters. */
  public PipelineMetrics metrics() {
    return metrics;
  }

  /**
   * Runs the stream to its end, blocking.
   *
   * @return what was done
   * @throws IOException if the source or the sink failed to read or write
   * @throws PipelineException if a stage failed otherwise (the network, a bug)
   * @throws CancellationException if {@link #cancel} was called
   * @throws InterruptedException if the calling thread was interrupted (the stages are stopped)
   */
  public PipelineResult run() throws IOException, InterruptedException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a pipeline runs once");
    }
    if (overflow != OverflowPolicy.BLOCK) {
      warmUp();
    }
    long start = System.nanoTime();
    Channel<Frame> decoded = channel("decoded", queueCapacity, overflow);
    // Live sources (a dropping policy) keep one batch waiting for the network, and replace it with
    // a newer one rather than queue behind it: the network always takes the newest frames.
    Channel<List<Frame>> batched =
        overflow == OverflowPolicy.BLOCK
            ? channel("batches", 2, OverflowPolicy.BLOCK)
            : channel("batches", 1, overflow);
    this.decoded = decoded;
    this.batched = batched;
    if (stopRequested) {
      cutQueues();
    }
    Channel<Frame> processed = channel("processed", queueCapacity, OverflowPolicy.BLOCK);
    TemporalStabilizer stabilizer =
        temporal.enabled() ? new TemporalStabilizer(temporal, registry, streamId) : null;
    this.stabilizer = stabilizer;
    Channel<Painted> stylised =
        stabilizer != null ? channel("stylised", queueCapacity, OverflowPolicy.BLOCK) : null;
    Channel<?> inferred = stylised != null ? stylised : processed;
    Handoff handoff =
        stylised != null
            ? (in, out) -> stylised.put(new Painted(in, out))
            : (in, out) -> processed.put(out);

    List<Thread> threads = new ArrayList<>();
    threads.add(stage("source", () -> readSource(decoded)));
    threads.add(
        stage(
            "batcher",
            () -> {
              batcher.run(decoded, batched);
              batched.close();
            }));
    AtomicInteger running = new AtomicInteger(predictors);
    for (int i = 0; i < predictors; i++) {
      threads.add(
          stage(
              predictors == 1 ? "inference" : "inference-" + i,
              () -> {
                infer(batched, handoff);
                // The last worker to see the end of the stream ends the next stage's queue: every
                // batch was handed on before its worker took the next.
                if (running.decrementAndGet() == 0) {
                  inferred.close();
                }
              }));
    }
    if (stylised != null) {
      threads.add(stage("temporal", () -> steady(stylised, processed)));
    }
    threads.add(stage("sink", () -> write(processed)));
    threads.forEach(Thread::start);
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      fail("caller", new CancellationException("the thread running the pipeline was interrupted"));
      for (Thread thread : threads) {
        thread.join(10_000);
      }
      throw e;
    } finally {
      if (stabilizer != null) {
        // Every stage has ended (or was given its chance to): the native memory can go.
        stabilizer.close();
      }
    }
    Failure failed = failure.get();
    if (failed != null) {
      rethrow(failed);
    }
    return new PipelineResult(
        streamId,
        framesIn.get(),
        framesOut.get(),
        framesDropped.get(),
        decodeErrors.get(),
        batches.get(),
        Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Ends the stream early and cleanly, from any thread: the source is {@linkplain
   * FrameSource#stop() stopped}, the frames not yet taken by the network are dropped (counted as
   * dropped), the batches in the network are finished and written, and the sink {@linkplain
   * FrameSink#finish() finishes} its output; {@link #run} then returns normally. What a stop costs
   * is one network pass, however long the queues: the output holds every frame up to the last one
   * the network took, none after.
   */
  public void stop() {
    stopRequested = true;
    source.stop();
    cutQueues();
  }

  /** Whether {@link #stop} was called. */
  public boolean stopped() {
    return stopRequested;
  }

  private void cutQueues() {
    Channel<Frame> d = decoded;
    Channel<List<Frame>> b = batched;
    if (d != null) {
      d.cut();
    }
    if (b != null) {
      b.cut();
    }
  }

  /** Stops a running pipeline: {@link #run} throws a {@link CancellationException}. */
  public void cancel() {
    fail("caller", new CancellationException("the pipeline was cancelled"));
  }

  private <T> Channel<T> channel(String name, int capacity, OverflowPolicy policy) {
    Channel<T> channel =
        new Channel<>(
            name,
            capacity,
            policy,
            item -> {
              int frames = item instanceof List<?> batch ? batch.size() : 1;
              framesDropped.addAndGet(frames);
              for (int i = 0; i < frames; i++) {
                metrics.frameDropped();
              }
            });
    synchronized (channels) {
      channels.add(channel);
    }
    metrics.queueDepth(name, channel::size);
    if (failure.get() != null) {
      channel.abort(failure.get().cause());
    }
    return channel;
  }

  private void readSource(Channel<Frame> out) throws IOException, InterruptedException {
    long reported = 0;
    while (!stopRequested) {
      Frame frame = source.read();
      long errors = source.decodeErrors();
      if (errors > reported) {
        metrics.addDecodeErrors(errors - reported);
        decodeErrors.set(errors);
        reported = errors;
      }
      if (frame == null) {
        break;
      }
      framesIn.incrementAndGet();
      metrics.frameIn();
      out.put(frame);
    }
    out.close();
  }

  /**
   * Two passes on a blank frame of the stream's size before a live stream's frames are taken: the
   * network's first passes run slower (libtorch profiles and optimises the compiled graph over
   * them) and a live source would drop frames behind them.
   */
  private void warmUp() {
    StreamInfo info = source.info();
    if (info.width() < 1 || info.height() < 1) {
      return;
    }
    long begin = System.nanoTime();
    Frame blank =
        new Frame(
            streamId,
            0,
            0,
            info.width(),
            info.height(),
            new byte[3 * info.width() * info.height()],
            begin);
    for (int pass = 0; pass < 2; pass++) {
      processor.process(List.of(blank));
    }
    LOG.debug("{}: network warmed up in {} ms", streamId, (System.nanoTime() - begin) / 1_000_000);
  }

  /** One inference worker: until the end of the stream, takes a batch, runs it, hands it on. */
  private void infer(Channel<List<Frame>> in, Handoff out) throws InterruptedException {
    while (true) {
      Sequencer.Numbered<List<Frame>> taken = sequencer.take(in::take);
      List<Frame> batch = taken.item();
      if (batch == null) {
        return;
      }
      long begin = System.nanoTime();
      List<Frame> result = processor.process(List.copyOf(batch));
      metrics.batch(batch.size(), System.nanoTime() - begin);
      batches.incrementAndGet();
      check(batch, result);
      sequencer.awaitTurn(taken.number());
      for (int i = 0; i < result.size(); i++) {
        out.put(batch.get(i), result.get(i));
      }
      sequencer.done(taken.number());
    }
  }

  /** A processor must give back the frames it was given, in order. */
  private static void check(List<Frame> batch, List<Frame> result) {
    if (result == null || result.size() != batch.size()) {
      throw new IllegalStateException(
          "the processor returned "
              + (result == null ? "nothing" : result.size() + " frames")
              + " for a batch of "
              + batch.size());
    }
    for (int i = 0; i < batch.size(); i++) {
      Frame in = batch.get(i);
      Frame out = result.get(i);
      if (out.index() != in.index() || out.ptsMicros() != in.ptsMicros()) {
        throw new IllegalStateException(
            "the processor returned " + out + " in place of " + in + ": frames must keep order");
      }
    }
  }

  /** The temporal stage: steadies each stylised frame, in order, and hands it to the sink. */
  private void steady(Channel<Painted> in, Channel<Frame> out) throws InterruptedException {
    Painted painted;
    TemporalStabilizer steadier = stabilizer;
    while ((painted = in.take()) != null) {
      out.put(steadier.stabilise(painted.source(), painted.stylised()));
    }
    out.close();
  }

  private void write(Channel<Frame> in) throws IOException, InterruptedException {
    Frame frame;
    while ((frame = in.take()) != null) {
      try {
        sink.write(frame);
      } catch (IOException | RuntimeException e) {
        metrics.encodeError();
        throw e;
      }
      metrics.frameOut(frame.createdNanos());
      listener.frameWritten(frame, framesOut.incrementAndGet());
    }
    sink.finish();
  }

  /** A body of work that a stage thread runs. */
  @FunctionalInterface
  private interface StageBody {
    void run() throws Exception;
  }

  private Thread stage(String name, StageBody body) {
    return Thread.ofPlatform()
        .name("restyle-" + name + "-" + streamId)
        .daemon(true)
        .unstarted(
            () -> {
              try {
                body.run();
                LOG.debug("{} stage of {} done", name, streamId);
              } catch (ChannelAbortedException e) {
                LOG.debug("{} stage of {} stopped: {}", name, streamId, e.getMessage());
              } catch (Throwable t) {
                fail(name, t);
              }
            });
  }

  private void fail(String stage, Throwable cause) {
    if (failure.compareAndSet(null, new Failure(stage, cause))) {
      if (cause instanceof CancellationException) {
        LOG.debug("pipeline {} cancelled", streamId);
      } else {
        LOG.debug("{} stage of {} failed; stopping the pipeline", stage, streamId, cause);
      }
      synchronized (channels) {
        channels.forEach(c -> c.abort(cause));
      }
      sequencer.abort(cause);
    }
  }

  /** Throws a stage's failure to the caller of {@link #run}, with the caller's stack on top. */
  private static void rethrow(Failure failed) throws IOException {
    Throwable cause = failed.cause();
    if (cause instanceof CancellationException cancelled) {
      CancellationException copy = new CancellationException(cancelled.getMessage());
      copy.initCause(cancelled);
      throw copy;
    }
    if (cause instanceof IOException io) {
      throw new IOException(io.getMessage(), io);
    }
    throw new PipelineException(failed.stage(), cause);
  }

  /** Settings of a pipeline. */
  public static final class Builder {
    private final FrameSource source;
    private final BatchProcessor processor;
    private final FrameSink sink;
    private int maxBatch = 4;
    private Duration maxWait = Duration.ofMillis(100);
    private int queueCapacity;
    private OverflowPolicy overflow = OverflowPolicy.BLOCK;
    private MeterRegistry registry;
    private PipelineListener listener = PipelineListener.NONE;
    private int predictors = 1;
    private TemporalSettings temporal = TemporalSettings.OFF;

    private Builder(FrameSource source, BatchProcessor processor, FrameSink sink) {
      this.source = Objects.requireNonNull(source, "source");
      this.processor = Objects.requireNonNull(processor, "processor");
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The most frames per network pass (default 4). */
    public Builder maxBatch(int maxBatch) {
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
      }
      this.maxBatch = maxBatch;
      return this;
    }

    /** How long a batch waits for more frames after its first (default 100 ms). */
    public Builder maxWait(Duration maxWait) {
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
      }
      this.maxWait = maxWait;
      return this;
    }

    /** Frames each frame queue holds (default twice the batch, at least 8). */
    public Builder queueCapacity(int frames) {
      if (frames < 1) {
        throw new IllegalArgumentException("queue capacity must be at least 1, got " + frames);
      }
      this.queueCapacity = frames;
      return this;
    }

    /** What the source's queue does when full (default {@link OverflowPolicy#BLOCK}). */
    public Builder overflow(OverflowPolicy overflow) {
      this.overflow = Objects.requireNonNull(overflow, "overflow");
      return this;
    }

    /** Where the meters go (default a new {@link SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * How many threads run the network, each on a batch of its own (default 1). Frames still reach
     * the sink in order. With more than one the {@link BatchProcessor} is called concurrently and
     * must be thread-safe ({@link dev.restyle.ingest.inference.StylizeProcessor} is). One is best
     * where a single pass already keeps the device busy (a CPU with few cores); more help on a GPU
     * or many cores.
     */
    public Builder predictors(int predictors) {
      if (predictors < 1) {
        throw new IllegalArgumentException(
            "predictors (inference threads) must be at least 1, got " + predictors);
      }
      this.predictors = predictors;
      return this;
    }

    /**
     * Temporal stabilisation of the stylised frames (default {@link TemporalSettings#OFF}: each
     * frame as the network painted it). The commands turn it on by default.
     */
    public Builder temporal(TemporalSettings temporal) {
      this.temporal = Objects.requireNonNull(temporal, "temporal");
      return this;
    }

    /** Told of each frame written. */
    public Builder listener(PipelineListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Pipeline build() {
      if (registry == null) {
        registry = new SimpleMeterRegistry();
      }
      return new Pipeline(this);
    }
  }
}
