package dev.restyle.serve.http;

/**
 * The JSON body of every error response.
 *
 * @param status the HTTP status code, repeated for clients that only see the body
 * @param error the status's reason phrase
 * @param message what went wrong, for people
 */
public record ApiError(int status, String error, String message) {
  /** Longest message sent: a name or value echoed from the request is cut to fit. */
  static final int MAX_MESSAGE = 1000;

  public static ApiError of(int status, String message) {
    String text =
        message.length() <= MAX_MESSAGE
            ? message
            : message.substring(0, MAX_MESSAGE)
                + "... ("
                + (message.length() - MAX_MESSAGE)
                + " more characters)";
    return new ApiError(status, reason(status), text);
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
