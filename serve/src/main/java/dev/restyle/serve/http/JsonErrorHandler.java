package dev.restyle.serve.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers, for requests refused before they reach a route (an invalid or
 * ambiguous URI such as {@code %00} or {@code %2F} in a path, a malformed request line, headers too
 * large): the same JSON {@link ApiError} body as every other error, instead of an HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A body for every method (Jetty's default writes none for DELETE, PUT and the rest). */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    byte[] body = body(code, message);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  static byte[] body(int code, String message) {
    String reason = HttpStatus.getMessage(code);
    String text =
        message == null || message.isBlank() || message.equals(reason)
            ? reason
            : reason + ": " + message;
    String prefix = code >= 400 && code < 500 ? "malformed request: " : "";
    try {
      return JSON.writeValueAsBytes(ApiError.of(code, prefix + text));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
