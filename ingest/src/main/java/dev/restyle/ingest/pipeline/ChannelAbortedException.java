package dev.restyle.ingest.pipeline;

/**
 * Thrown to a thread waiting on a {@link Channel} that was aborted because some stage failed or the
 * pipeline was cancelled; the stage should stop. The cause is the failure that aborted it.
 */
public final class ChannelAbortedException extends RuntimeException {
  ChannelAbortedException(String channel, Throwable cause) {
    super("queue '" + channel + "' was aborted: " + cause, cause);
  }
}
