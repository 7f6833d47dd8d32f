package dev.restyle.serve.styles;

/**
 * A style that is installed but cannot be used: its network file failed to load or to verify (a
 * wrong SHA-256, truncated, not a restyle network). The API answers 409; the other styles work.
 */
public class StyleUnavailableException extends RuntimeException {
  public StyleUnavailableException(String name, String reason) {
    super("style '" + name + "' is unavailable: " + reason);
  }
}
