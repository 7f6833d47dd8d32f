package dev.restyle.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restyle.ingest.config.PipelineConfig;
import dev.restyle.ingest.config.PipelineConfigReader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code restyle stream}: stylises a live feed (or a file) into a file, an HLS playlist or an
 * RTSP/RTMP server. Its options are the fields of a pipeline config ({@code restyle run}), read by
 * the same reader with the same defaults and checks.
 */
@Command(
    name = "stream",
    description = {
      "Stylise a live stream (rtsp://, rtmp://, http://, srt://, or a file) as it comes, with low"
          + " latency: small queues that drop the oldest frame when the network falls behind,"
          + " reconnection with backoff when the camera drops. Runs until Ctrl-C (the output is"
          + " completed) or --stop-after.",
      "Options map to the fields of a pipeline config (see 'restyle run'): --queue is"
          + " source.queue, --reconnect-max-delay is source.reconnect.maxDelay, and so on."
    })
final class StreamCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "source: rtsp://HOST/PATH, rtmp://..., or a video file")
  String source;

  @Option(
      names = {"-o", "--out"},
      required = true,
      description =
          "output: a video file (.mp4, .mkv), an HLS playlist (.m3u8) or a push URL (rtsp://,"
              + " rtmp://)")
  String out;

  @Mixin StyleChoice choice;

  @Mixin ShutdownOption shutdown;

  @Mixin TemporalOption temporal;

  @Option(names = "--id", description = "stream id for logs and metrics (default: from the URL)")
  String id;

  @Option(names = "--transport", description = "RTSP transport: tcp (default) or udp")
  String transport;

  @Option(names = "--out-transport", description = "RTSP transport of a push output: tcp or udp")
  String outTransport;

  @Option(names = "--timeout", description = "silence before the stream counts as lost (5s)")
  String timeout;

  @Option(names = "--queue", description = "frames queued behind the source (live: 2)")
  Integer queue;

  @Option(
      names = "--overflow",
      description = "full queue: drop-oldest (live default), drop-newest or block")
  String overflow;

  @Option(names = "--reconnect-delay", description = "first wait before reconnecting (500ms)")
  String reconnectDelay;

  @Option(names = "--reconnect-max-delay", description = "longest wait between attempts (10s)")
  String reconnectMaxDelay;

  @Option(
      names = "--reconnect-attempts",
      description = "attempts in a row before giving up; 0 = never (default)")
  Integer reconnectAttempts;

  @Option(names = "--batch", description = "frames per network pass (1 on a CPU, 4 on a GPU)")
  Integer batch;

  @Option(names = "--max-wait", description = "how long a batch waits for more frames (100ms)")
  String maxWait;

  @Option(
      names = "--predictors",
      description = "threads running the network, frames kept in order (1; more on a GPU)")
  Integer predictors;

  @Option(names = "--stop-after", description = "stop by itself after this long, e.g. 60s")
  String stopAfter;

  @Option(
      names = "--metrics-port",
      description = "serve Prometheus metrics at http://HOST:PORT/metrics (default: off)")
  Integer metricsPort;

  @Option(names = "--metrics-host", description = "address of the metrics endpoint (0.0.0.0)")
  String metricsHost;

  @Option(names = "--log-every", description = "progress line interval (10s)")
  String logEvery;

  @Override
  public Integer call() throws Exception {
    return PipelineLauncher.launch("stream", config(), shutdown.timeout());
  }

  /** The pipeline config these options describe. */
  PipelineConfig config() {
    ObjectNode root = PipelineConfigReader.tree();
    ObjectNode src = root.putObject("source").put("uri", source);
    putIf(src, "id", id);
    putIf(src, "transport", transport);
    putIf(src, "timeout", timeout);
    if (queue != null) {
      src.put("queue", queue);
    }
    putIf(src, "overflow", overflow);
    ObjectNode reconnect = src.putObject("reconnect");
    putIf(reconnect, "initialDelay", reconnectDelay);
    putIf(reconnect, "maxDelay", reconnectMaxDelay);
    if (reconnectAttempts != null) {
      reconnect.put("maxAttempts", reconnectAttempts);
    }
    ObjectNode sink = root.putObject("sink").put("uri", out);
    putIf(sink, "transport", outTransport);
    root.putObject("style")
        .put("name", choice.style)
        .put("strength", new java.math.BigDecimal(Float.toString(choice.strength)))
        .put("preserveColours", choice.preserveColours);
    if (batch != null) {
      root.put("batch", batch);
    }
    putIf(root, "maxWait", maxWait);
    if (predictors != null) {
      root.put("predictors", predictors);
    }
    putIf(root, "stopAfter", stopAfter);
    if (temporal.off) {
      root.put("temporal", false);
    }
    ObjectNode metrics = root.putObject("metrics");
    if (metricsPort != null) {
      metrics.put("port", metricsPort);
    }
    putIf(metrics, "host", metricsHost);
    putIf(metrics, "logEvery", logEvery);
    return new PipelineConfigReader(PipelineLauncher.endpoints()).read(root, "(command line)");
  }

  private static void putIf(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
