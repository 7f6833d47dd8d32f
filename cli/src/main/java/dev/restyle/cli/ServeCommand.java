package dev.restyle.cli;

import ai.djl.engine.Engine;
import dev.restyle.serve.RestyleServer;
import dev.restyle.serve.ServeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code restyle serve}: the HTTP service (JSON API, web page, jobs, metrics). */
@Command(
    name = "serve",
    description =
        "Run the HTTP service: web page at /, JSON API under /api (see /openapi.yaml), Prometheus"
            + " metrics at /metrics, health at /health. Runs on its own: no broker, no database.")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  private static final ServeConfig DEFAULTS = ServeConfig.defaults();

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "address to listen on (default ${DEFAULT-VALUE}: every interface)")
  String host;

  @Option(
      names = "--kafka-bootstrap",
      description = "brokers of kafka pipelines that name none (default: $KAFKA_BOOTSTRAP_SERVERS)")
  String kafkaBootstrap;

  @Option(
      names = {"-p", "--port"},
      defaultValue = "8080",
      description = "port (default ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--max-image-mb",
      defaultValue = "20",
      description = "largest image upload in MiB; 413 above (default ${DEFAULT-VALUE})")
  long maxImageMb;

  @Option(
      names = "--max-video-mb",
      defaultValue = "1024",
      description = "largest video upload in MiB; 413 above (default ${DEFAULT-VALUE})")
  long maxVideoMb;

  @Option(
      names = "--max-input-megapixels",
      defaultValue = "40",
      description =
          "largest image decoded at all, checked before decoding (default ${DEFAULT-VALUE})")
  double maxInputMegapixels;

  @Option(
      names = "--max-stylize-megapixels",
      defaultValue = "40",
      description =
          "largest image the network runs on, after max_size; 413 above; images above 4 MiP are"
              + " stylised in tiles, so memory does not grow with this (default ${DEFAULT-VALUE})")
  double maxStylizeMegapixels;

  @Option(
      names = "--batch",
      description =
          "most images per network pass in the shared stage (default 1 on a CPU, where batches"
              + " measured slower, 4 on a GPU)")
  Integer batch;

  @Option(
      names = "--max-wait-ms",
      defaultValue = "0",
      description =
          "how long a batch waits for more images; 0 = take what is queued (default"
              + " ${DEFAULT-VALUE})")
  long maxWaitMillis;

  @Option(
      names = "--queue",
      defaultValue = "64",
      description =
          "images waiting for the network before requests get 503 (default ${DEFAULT-VALUE})")
  int queue;

  @Option(
      names = "--jobs",
      defaultValue = "1",
      description = "video jobs running at once; more wait (default ${DEFAULT-VALUE})")
  int jobs;

  @Option(
      names = "--rate-limit",
      defaultValue = "100",
      description =
          "requests a second each client address may send on average; 429 above; 0 = no limit"
              + " (default ${DEFAULT-VALUE})")
  int rateLimit;

  @Option(
      names = "--rate-burst",
      defaultValue = "200",
      description =
          "requests a client may send at once before --rate-limit applies (default"
              + " ${DEFAULT-VALUE})")
  int rateBurst;

  @Option(
      names = "--work-dir",
      description =
          "where uploads and job outputs live (default: a restyle-serve temporary folder)")
  Path workDir;

  @Mixin ShutdownOption shutdown;

  @Override
  public Integer call() throws Exception {
    ServeConfig config =
        new ServeConfig(
            host,
            port,
            maxImageMb << 20,
            maxVideoMb << 20,
            Math.round(maxInputMegapixels * 1e6),
            Math.round(maxStylizeMegapixels * 1e6),
            batch != null ? batch : Runtime.defaultBatch(Engine.getInstance().defaultDevice()),
            Duration.ofMillis(maxWaitMillis),
            queue,
            jobs,
            DEFAULTS.maxRetainedPipelines(),
            workDir != null ? workDir : DEFAULTS.workDirectory(),
            new ServeConfig.RateLimit(rateLimit, rateBurst));
    RestyleServer.Builder builder = RestyleServer.builder(config);
    if (kafkaBootstrap != null) {
      builder.kafkaBootstrap(kafkaBootstrap);
    }
    RestyleServer server = builder.build();
    CountDownLatch stopped = new CountDownLatch(1);
    try (StopSignals signals =
        StopSignals.install(
            "serve",
            shutdown.timeout(),
            () -> {
              server.close();
              stopped.countDown();
            })) {
      server.start();
      System.out.printf(
          "restyle serve: http://%s:%d/ (API: /openapi.yaml, metrics: /metrics); Ctrl-C stops%n",
          host.equals("0.0.0.0") ? "127.0.0.1" : host, server.port());
      stopped.await();
      return signals.exitCode(ExitCodes.OK);
    }
  }
}
