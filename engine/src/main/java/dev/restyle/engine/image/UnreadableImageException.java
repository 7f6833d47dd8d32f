package dev.restyle.engine.image;

import java.io.IOException;

/** An input that is not an image restyle can decode, or one it refuses (too large). */
public class UnreadableImageException extends IOException {
  public UnreadableImageException(String message) {
    super(message);
  }

  public UnreadableImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
