package dev.restyle.engine.weights;

import java.io.IOException;

/**
 * Weights that are neither given, nor cached, nor downloadable now; the message says what to do.
 */
public class MissingWeightsException extends IOException {
  public MissingWeightsException(String message) {
    super(message);
  }

  public MissingWeightsException(String message, Throwable cause) {
    super(message, cause);
  }
}
