package dev.restyle.ingest.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.metrics.PipelineMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** {@link Pipeline#stop}: a clean early end that costs one network pass, whatever is queued. */
class PipelineStopTest {

  @Test
  void stopFinishesWhatTheNetworkHoldsDropsTheQueuedRestAndFinishesTheSink() throws Exception {
    // a source far faster than the network: every queue is full when the stop comes
    SyntheticSource source =
        new SyntheticSource("s", 25, 100_000, i -> SyntheticSource.tiny("s", i, i * 40_000L), 0);
    ListSink sink = new ListSink();
    CountDownLatch thirdBatchInNetwork = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    List<Long> taken = Collections.synchronizedList(new ArrayList<>());
    BatchProcessor network =
        batch -> {
          batch.forEach(f -> taken.add(f.index()));
          if (calls.incrementAndGet() == 3) {
            thirdBatchInNetwork.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return batch;
        };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Pipeline pipeline =
        Pipeline.builder(source, network, sink)
            .maxBatch(2)
            .maxWait(Duration.ZERO)
            .queueCapacity(8)
            .meterRegistry(registry)
            .build();
    CompletableFuture<PipelineResult> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return pipeline.run();
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    assertTrue(thirdBatchInNetwork.await(10, TimeUnit.SECONDS));
    Thread.sleep(200); // let the queues fill up behind the busy network
    pipeline.stop();
    release.countDown();
    PipelineResult result = running.get(10, TimeUnit.SECONDS);

    assertTrue(sink.finished, "the sink completed its output");
    assertEquals(3, calls.get(), "no batch entered the network after the stop");
    List<Long> written = sink.frames.stream().map(Frame::index).toList();
    assertEquals(taken, written, "every frame the network took was written");
    assertEquals(
        LongStream.range(0, written.size()).boxed().toList(),
        written,
        "the output is the stream's first frames, each once, in order");
    assertTrue(result.framesDropped() >= 8, "the queued frames were dropped: " + result);
    assertEquals(result.framesIn(), result.framesOut() + result.framesDropped(), result.toString());
    assertEquals(
        result.framesDropped(),
        registry.get(PipelineMetrics.FRAMES_DROPPED).counter().count(),
        "and counted");
    assertTrue(pipeline.stopped());
  }
}
