package dev.restyle.serve.routes;

import dev.restyle.engine.image.UnreadableImageException;
import dev.restyle.engine.registry.UnknownStyleException;
import dev.restyle.serve.http.ApiError;
import dev.restyle.serve.http.ApiException;
import dev.restyle.serve.http.RateLimiter;
import dev.restyle.serve.inference.QueueFullException;
import dev.restyle.serve.styles.StyleUnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a JSON {@link ApiError} with the right status: the client's mistakes are
 * 4xx with a message that says what to change, a full queue is a 503 with Retry-After, anything
 * else a logged 500. The server keeps serving either way.
 */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
  static final String WRITTEN = "restyle.errorWritten";

  /** Writes the response for {@code failure}. */
  public void write(Context ctx, Throwable failure) {
    Throwable e = unwrap(failure);
    ApiError error = toError(e);
    if (error.status() >= 500 && !(e instanceof QueueFullException)) {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
    } else {
      LOG.debug("{} {}: {} {}", ctx.method(), ctx.path(), error.status(), error.message());
    }
    if (e instanceof QueueFullException) {
      ctx.header("Retry-After", "1");
    } else if (e instanceof RateLimiter.RateLimitedException limited) {
      ctx.header("Retry-After", Long.toString(limited.retryAfterSeconds()));
    }
    closeIfBodyUnread(ctx);
    ctx.attribute(WRITTEN, true);
    ctx.status(error.status()).json(error);
  }

  /**
   * A refused request whose body may not have been read to its end (a malformed or oversized
   * upload) leaves the connection unusable, and Jetty closes it after the answer: say so, so that
   * clients open a new connection for their next request instead of failing on this one.
   */
  private static void closeIfBodyUnread(Context ctx) {
    String method = ctx.req().getMethod();
    if (ctx.req().getContentLengthLong() > 0
        || ctx.header("Transfer-Encoding") != null
        || method.equals("POST")
        || method.equals("PUT")
        || method.equals("PATCH")) {
      ctx.header("Connection", "close");
    }
  }

  /** Writes a response for a status no handler produced (404 for no route, 405). */
  public void writeStatus(Context ctx, String message) {
    if (Boolean.TRUE.equals(ctx.attribute(WRITTEN))) {
      return;
    }
    closeIfBodyUnread(ctx);
    ctx.json(ApiError.of(ctx.statusCode(), message));
  }

  static ApiError toError(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof ApiException api) {
      return ApiError.of(api.status(), message);
    }
    if (e instanceof UnknownStyleException) {
      return ApiError.of(404, message);
    }
    if (e instanceof StyleUnavailableException) {
      return ApiError.of(409, message);
    }
    if (e instanceof UnreadableImageException) {
      return ApiError.of(400, "cannot read the image: " + message);
    }
    if (e instanceof QueueFullException) {
      return ApiError.of(503, message);
    }
    if (e instanceof HttpResponseException http) {
      return ApiError.of(http.getStatus(), message);
    }
    if (e instanceof IllegalArgumentException) {
      return ApiError.of(400, message);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.jetty.http.HttpException jetty
          && jetty.getCode() >= 400
          && jetty.getCode() < 500) {
        return ApiError.of(
            jetty.getCode(),
            "malformed request: " + (jetty.getReason() == null ? message : jetty.getReason()));
      }
    }
    if (e instanceof CancellationException) {
      return ApiError.of(503, "the request was cancelled: " + message);
    }
    return ApiError.of(500, "internal error: " + message);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException
            || t instanceof ExecutionException
            || t instanceof UncheckedIOException
                && t.getCause() instanceof UnreadableImageException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
