package dev.restyle.serve.routes;

import dev.restyle.serve.inference.InferenceQueue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /health}, {@code /health/live}, {@code /health/ready}, {@code /metrics}, {@code
 * /openapi.yaml}.
 */
public final class OpsRoutes {
  static final String OPENAPI = "dev/restyle/serve/openapi.yaml";

  private final InferenceQueue queue;
  private final Supplier<String> warmUpProblem;
  private final PrometheusMeterRegistry prometheus;

  /**
   * @param warmUpProblem why the engine is not ready yet (warming up, no styles), or null once it
   *     has stylised an image
   */
  public OpsRoutes(
      InferenceQueue queue, Supplier<String> warmUpProblem, PrometheusMeterRegistry prometheus) {
    this.queue = queue;
    this.warmUpProblem = warmUpProblem;
    this.prometheus = prometheus;
  }

  public void register(RoutesConfig routes) {
    routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
    routes.get("/health/ready", this::ready);
    routes.get("/health", this::ready);
    routes.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(prometheus.scrape()));
    routes.get("/openapi.yaml", this::openapi);
  }

  private void ready(Context ctx) {
    Map<String, Object> checks = new LinkedHashMap<>();
    boolean up = true;
    if (queue.isRunning()) {
      checks.put("inference", Map.of("status", "UP", "queued", queue.depth()));
    } else {
      checks.put("inference", Map.of("status", "DOWN", "reason", "the inference worker stopped"));
      up = false;
    }
    String problem = warmUpProblem.get();
    if (problem == null) {
      checks.put("engine", Map.of("status", "UP"));
    } else {
      checks.put("engine", Map.of("status", "DOWN", "reason", problem));
      up = false;
    }
    ctx.status(up ? 200 : 503).json(Map.of("status", up ? "UP" : "DOWN", "checks", checks));
  }

  private void openapi(Context ctx) throws IOException {
    try (InputStream in = OpsRoutes.class.getClassLoader().getResourceAsStream(OPENAPI)) {
      if (in == null) {
        throw new IOException(OPENAPI + " is missing from the class path");
      }
      ctx.contentType("application/yaml").result(in.readAllBytes());
    }
  }
}
