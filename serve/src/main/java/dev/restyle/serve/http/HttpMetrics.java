package dev.restyle.serve.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Times every request: {@value #REQUESTS}, tagged with the method, the route pattern (not the raw
 * path, so ids do not explode the tag space) and the status code.
 */
public final class HttpMetrics {
  public static final String REQUESTS = "restyle.serve.http.requests";
  private static final String START = "restyle.start";

  private final MeterRegistry registry;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void before(Context ctx) {
    ctx.attribute(START, System.nanoTime());
  }

  public void after(Context ctx) {
    Long start = ctx.attribute(START);
    if (start == null) {
      return;
    }
    Timer.builder(REQUESTS)
        .description("HTTP requests, by route and status")
        .tag("method", ctx.method().name())
        .tag("route", route(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(registry)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  private static String route(Context ctx) {
    try {
      var endpoint = ctx.endpoints().lastHttpEndpoint();
      if (endpoint != null && !endpoint.path.equals("*")) {
        return endpoint.path;
      }
    } catch (RuntimeException e) {
      // no endpoint matched (static files, 404s)
    }
    return ctx.statusCode() == 404 ? "unmatched" : "static";
  }
}
