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
import java.time.Duration;

/**
 * Runs a {@link PipelineConfig} for {@code restyle stream} and {@code restyle run}: loads the
 * style, runs the {@link PipelineService}, stops it cleanly on Ctrl-C or SIGTERM (the output is
 * completed; {@link StopSignals}), and prints what was done.
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

  /**
   * Runs the config until its stream ends, {@code stopAfter}, or Ctrl-C/SIGTERM (see {@link
   * StopSignals}).
   *
   * @return the exit status: 0, 3 if a file source was damaged, 128 + the signal after a signal
   */
  static int launch(String command, PipelineConfig config, Duration shutdownTimeout)
      throws Exception {
    Device device = Engine.getInstance().defaultDevice();
    Runtime.leaveACoreForThePipeline(device, config.predictors());
    PipelineService service =
        new PipelineService(config, endpoints(), PipelineService.registryFor(config));
    try (StopSignals signals = StopSignals.install(command, shutdownTimeout, service::stop);
        StyleNetwork network =
            StyleRegistry.standard().load(config.style().name()).toNetwork(device)) {
      StyleOptions options =
          new StyleOptions((float) config.style().strength(), config.style().preserveColours());
      PipelineResult result =
          service.run(
              StylizeProcessor.of(network, options),
              Runtime.defaultBatch(device),
              PipelineListener.NONE);
      System.out.printf(
          "%s -> %s: %d frames in %.1f s, %.2f fps, %d dropped (style %s; %s); %s%n",
          config.source().uri(),
          config.sink().uri(),
          result.framesOut(),
          result.elapsed().toNanos() / 1e9,
          result.framesPerSecond(),
          result.framesDropped(),
          config.style().name(),
          TemporalOption.summary(service.stabilizer()),
          service.summary());
      System.out.flush();
      boolean damagedFile =
          Endpoints.scheme(config.source().uri()).equals(Endpoints.FILE)
              && result.decodeErrors() > 0;
      if (damagedFile) {
        System.err.printf(
            "restyle: %s is damaged (%d places, see the log); the output holds the %d frames that"
                + " decoded%n",
            config.source().uri(), result.decodeErrors(), result.framesOut());
      }
      return signals.exitCode(damagedFile ? ExitCodes.DAMAGED_INPUT : ExitCodes.OK);
    }
  }
}
