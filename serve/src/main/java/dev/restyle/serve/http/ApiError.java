package dev.restyle.serve.http;

/**
 * The JSON body of every error response.
 *
 * @param status the HTTP status code, repeated for clients that only see the body
 * @param error the status's reason phrase
 * @param message what went wrong, for people
 */
public record ApiError(int status, String error, String message) {
  public static ApiError of(int status, String message) {
    return new ApiError(status, reason(status), message);
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> org.eclipse.jetty.http.HttpStatus.getMessage(status);
    };
  }
}
