package dev.restyle.ingest.pipeline;

/**
 * A pipeline stopped because one of its stages failed with something other than an I/O error (I/O
 * errors reach the caller as {@link java.io.IOException}s). The cause is the stage's failure.
 */
public final class PipelineException extends RuntimeException {
  private final String stage;

  PipelineException(String stage, Throwable cause) {
    super(stage + " stage failed: " + describe(cause), cause);
    this.stage = stage;
  }

  /** The stage that failed: source, batcher, inference or sink. */
  public String stage() {
    return stage;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank()
        ? cause.getClass().getSimpleName()
        : message.replace('\n', ' ');
  }
}
