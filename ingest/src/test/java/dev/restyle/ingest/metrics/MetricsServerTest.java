package dev.restyle.ingest.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private static HttpResponse<String> get(int port, String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void servesThePipelineMetersAsPrometheusText() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics metrics = new PipelineMetrics(registry, "cam1");
    metrics.frameIn();
    metrics.frameIn();
    metrics.frameDropped();
    metrics.frameOut(System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(40));
    metrics.queueDepth("decoded", () -> 3);
    try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0)) {
      HttpResponse<String> response = get(server.port(), "/metrics");
      assertEquals(200, response.statusCode());
      assertEquals(
          MetricsServer.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
      String body = response.body();
      for (String line :
          new String[] {
            "restyle_frames_in_total{stream=\"cam1\"} 2.0",
            "restyle_frames_dropped_total{stream=\"cam1\"} 1.0",
            "restyle_frames_out_total{stream=\"cam1\"} 1.0",
            "restyle_queue_depth{queue=\"decoded\",stream=\"cam1\"} 3.0",
            "restyle_frame_latency_seconds_count{stream=\"cam1\"} 1",
          }) {
        assertTrue(body.contains(line), "no '" + line + "' in\n" + body);
      }
      assertTrue(body.contains("# TYPE restyle_frame_latency_seconds histogram"), body);
      assertTrue(body.contains("restyle_frame_latency_seconds_bucket{stream=\"cam1\",le="), body);
      assertEquals(404, get(server.port(), "/").statusCode());
    }
  }
}
