package dev.restyle.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.config.PipelineConfig;
import dev.restyle.ingest.endpoint.Endpoints;
import dev.restyle.ingest.inference.StylizeProcessor;
import dev.restyle.ingest.kafka.KafkaEndpoint;
import dev.restyle.ingest.pipeline.PipelineListener;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.service.PipelineService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link PipelineConfig} for {@code restyle stream} and {@code restyle run}: loads the
 * style, runs the {@link PipelineService}, stops it cleanly on Ctrl-C or SIGTERM (the output is
 * completed), and prints what was done.
 */
final class PipelineLauncher {
  private PipelineLauncher() {}

  /** The endpoints the command line knows; further transports register here. */
  static Endpoints endpoints() {
    KafkaEndpoint kafka = new KafkaEndpoint();
    return Endpoints.standard()
        .withSource(KafkaEndpoint.SCHEME, kafka)
        .withSink(KafkaEndpoint.SCHEME, kafka);
  }

  static int launch(PipelineConfig config) throws Exception {
    Device device = Engine.getInstance().defaultDevice();
    PipelineService service =
        new PipelineService(config, endpoints(), PipelineService.registryFor(config));
    // SIGTERM or Ctrl-C: end the stream, let the sink complete its output and the summary print.
    CountDownLatch finished = new CountDownLatch(1);
    Thread onSignal =
        new Thread(
            () -> {
              service.stop();
              try {
                finished.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "restyle-stream-shutdown");
    java.lang.Runtime.getRuntime().addShutdownHook(onSignal);
    try (StyleNetwork network =
        StyleRegistry.standard().load(config.style().name()).toNetwork(device)) {
      StyleOptions options =
          new StyleOptions((float) config.style().strength(), config.style().preserveColours());
      PipelineResult result =
          service.run(
              StylizeProcessor.of(network, options),
              Runtime.defaultBatch(device),
              PipelineListener.NONE);
      System.out.printf(
          "%s -> %s: %d frames in %.1f s, %.2f fps, %d dropped (style %s); %s%n",
          config.source().uri(),
          config.sink().uri(),
          result.framesOut(),
          result.elapsed().toNanos() / 1e9,
          result.framesPerSecond(),
          result.framesDropped(),
          config.style().name(),
          service.summary());
      return 0;
    } finally {
      System.out.flush();
      finished.countDown();
      try {
        java.lang.Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: nothing to remove
      }
    }
  }
}
