package dev.restyle.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.inference.StylizeProcessor;
import dev.restyle.ingest.metrics.MetricsServer;
import dev.restyle.ingest.pipeline.Pipeline;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.sink.VideoFileSink;
import dev.restyle.ingest.source.InputDamage;
import dev.restyle.ingest.source.VideoFileSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code restyle video}: stylises a video file frame by frame, keeping its timing and audio. A
 * damaged input is stylised up to and around the damage, which is listed (exit status 3); Ctrl-C or
 * SIGTERM ends it early with a complete output (see {@link StopSignals}).
 */
@Command(
    name = "video",
    description =
        "Stylise a video file (any format FFmpeg reads) into an MP4: every frame, same frame rate"
            + " and timestamps, audio passed through.")
final class VideoCommand implements java.util.concurrent.Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      description =
          "input video (MP4, MKV, MOV, WebM, AVI, ...); omitted: a 3-second sample clip drawn on"
              + " the fly")
  Path input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      description = "output video (.mp4; .mkv and .mov work too)")
  Path output;

  @Option(
      names = "--batch",
      description =
          "frames per network pass (default: 1 on a CPU, where batches run slower; 4 on a GPU)")
  Integer batch;

  @Option(
      names = "--max-wait-ms",
      defaultValue = "100",
      description = "how long a batch waits for more frames, in ms (default ${DEFAULT-VALUE})")
  long maxWaitMillis;

  @Option(
      names = "--predictors",
      description =
          "threads running the network, each on a batch of its own; frames stay in order"
              + " (default: 2 on a CPU, sharing its cores; 1 on a GPU)")
  Integer predictors;

  @Mixin StyleChoice choice;

  @Mixin ShutdownOption shutdown;

  @Mixin TemporalOption temporal;

  private final AtomicReference<Pipeline> running = new AtomicReference<>();
  private final AtomicReference<VideoFileSink> writing = new AtomicReference<>();
  private volatile boolean stopRequested;

  @Option(
      names = "--metrics-port",
      description = "serve Prometheus metrics at http://0.0.0.0:PORT/metrics while it runs (off)")
  Integer metricsPort;

  @Override
  public Integer call() throws Exception {
    StyleOptions options = choice.options();
    if (batch != null && batch < 1) {
      throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
    }
    if (predictors != null && predictors < 1) {
      throw new IllegalArgumentException("--predictors must be at least 1, got " + predictors);
    }
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
      throw new IllegalArgumentException("--metrics-port must be 0 to 65535, got " + metricsPort);
    }
    if (maxWaitMillis < 0) {
      throw new IllegalArgumentException(
          "--max-wait-ms must not be negative, got " + maxWaitMillis);
    }
    VideoFileSink.containerOf(output); // refuse an unknown extension before any work
    if (input != null
        && Files.exists(output)
        && Files.exists(input)
        && Files.isSameFile(input, output)) {
      throw new IllegalArgumentException("the output " + output + " would overwrite the input");
    }
    Duration shutdownTimeout = shutdown.timeout();
    try (InputVideo video = InputVideo.of(input);
        StopSignals signals = StopSignals.install("video", shutdownTimeout, this::stop)) {
      Outcome outcome = stylise(video.file(), video.name(), options, signals);
      PipelineResult result = outcome.result();
      System.out.printf(
          "%s -> %s: %d frames in %.1f s, %.2f fps (style %s; %s)%s%n",
          video.label(),
          output,
          result.framesOut(),
          result.elapsed().toNanos() / 1e9,
          result.framesPerSecond(),
          choice.style,
          outcome.temporal(),
          signals.signalled() ? "; stopped early: the output holds these frames" : "");
      System.out.flush();
      if (result.decodeErrors() > 0) {
        reportDamage(video.label(), outcome);
        return signals.exitCode(ExitCodes.DAMAGED_INPUT);
      }
      return signals.exitCode(ExitCodes.OK);
    }
  }

  /** Most places of damage listed on stderr; the log has each (up to its own limit). */
  private static final int DAMAGE_LISTED = 10;

  /** What a run did, and the damage its input had. */
  private record Outcome(
      PipelineResult result, List<InputDamage> damage, long declaredFrames, String temporal) {}

  private static void reportDamage(String label, Outcome outcome) {
    PipelineResult result = outcome.result();
    System.err.printf(
        "restyle video: %s is damaged (%d %s); the output holds the %d frames that decoded%s%n",
        label,
        result.decodeErrors(),
        result.decodeErrors() == 1 ? "place" : "places",
        result.framesOut(),
        outcome.declaredFrames() > 0
            ? " (the file declares " + outcome.declaredFrames() + ")"
            : "");
    List<InputDamage> damage = outcome.damage();
    for (int i = 0; i < Math.min(DAMAGE_LISTED, damage.size()); i++) {
      System.err.println("  at " + damage.get(i));
    }
    if (result.decodeErrors() > DAMAGE_LISTED) {
      System.err.printf("  ... and %d more%n", result.decodeErrors() - DAMAGE_LISTED);
    }
  }

  /** The stop action of Ctrl-C and SIGTERM: end the stream cleanly. */
  private void stop() {
    stopRequested = true;
    VideoFileSink sink = writing.get();
    if (sink != null) {
      sink.endAudioWithVideo();
    }
    Pipeline pipeline = running.get();
    if (pipeline != null) {
      pipeline.stop();
    }
  }

  private Outcome stylise(Path file, String name, StyleOptions options, StopSignals signals)
      throws Exception {
    MeterRegistry registry =
        metricsPort != null
            ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
            : new SimpleMeterRegistry();
    MetricsServer server =
        metricsPort != null
            ? MetricsServer.start((PrometheusMeterRegistry) registry, "0.0.0.0", metricsPort)
            : null;
    try (VideoFileSource source = VideoFileSource.open(file, name)) {
      StreamInfo info = source.info();
      Device device = Engine.getInstance().defaultDevice();
      int predictors =
          this.predictors != null ? this.predictors : Runtime.defaultPredictors(device);
      Runtime.leaveACoreForThePipeline(device, predictors);
      try (StyleNetwork network = StyleRegistry.standard().load(choice.style).toNetwork(device);
          VideoFileSink sink =
              VideoFileSink.open(output, info, source.openAudio(), VideoFileSink.Settings.DEFAULT);
          ProgressBars bar = new ProgressBars("video", info.estimatedFrames(), 0)) {
        signals.onForcedExit(() -> deleteQuietly(sink.partialFile()));
        writing.set(sink);
        if (stopRequested) {
          sink.endAudioWithVideo();
        }
        long start = System.nanoTime();
        Pipeline pipeline =
            Pipeline.builder(source, StylizeProcessor.of(network, options), sink)
                .maxBatch(batch != null ? batch : Runtime.defaultBatch(device))
                .maxWait(Duration.ofMillis(maxWaitMillis))
                .predictors(predictors)
                .meterRegistry(registry)
                .temporal(temporal.settings())
                .listener(
                    (frame, written) -> {
                      double seconds = (System.nanoTime() - start) / 1e9;
                      bar.update(
                          written,
                          info.estimatedFrames(),
                          Map.of("fps", seconds > 0 ? written / seconds : 0.0));
                    })
                .build();
        running.set(pipeline);
        if (stopRequested) {
          pipeline.stop();
        }
        PipelineResult result = pipeline.run();
        return new Outcome(
            result,
            source.damage(),
            info.estimatedFrames(),
            TemporalOption.summary(pipeline.stabilizer()));
      } finally {
        running.set(null);
        writing.set(null);
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // quitting anyway
    }
  }
}
