package dev.restyle.ingest.source;

import java.util.Locale;
import java.util.Objects;

/**
 * One place where a video file is damaged, found while decoding it.
 *
 * @param kind what the damage did to the frames
 * @param frame the index (from 0, in decoded frames) of the frame the damage touched: the concealed
 *     frame itself, or the frame that follows the skipped data, or the frame count at an early end
 * @param ptsMicros the timestamp at that position: the concealed frame's, else just after the last
 *     good frame's (0 before any)
 * @param detail what FFmpeg said (its last error message), or what went wrong
 */
public record InputDamage(Kind kind, long frame, long ptsMicros, String detail) {

  /** What the damage did. */
  public enum Kind {
    /** The frame was decoded with errors and kept (the decoder concealed the damage). */
    CONCEALED,
    /** Data that did not decode was skipped; decoding went on with the next frame. */
    SKIPPED,
    /** The file ends in the damage: nothing after it could be read. */
    ENDED
  }

  public InputDamage {
    Objects.requireNonNull(kind, "kind");
    detail = detail == null || detail.isBlank() ? "no message from FFmpeg" : detail.strip();
  }

  /** One line for logs and reports, e.g. {@code frame 15 (1.500 s): ended: ... partial file}. */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "frame %d (%.3f s): %s: %s",
        frame,
        ptsMicros / 1e6,
        kind.name().toLowerCase(Locale.ROOT),
        detail);
  }
}
