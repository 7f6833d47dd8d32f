package dev.restyle.ingest.temporal;

import java.util.Locale;

/** Why a stream's stabilisation started afresh at a frame (its previous frame was not used). */
public enum Reset {
  /** Too few pixels could be followed from the previous frame: a scene cut, or a jump. */
  CUT,
  /** The source marked the frame as a {@linkplain dev.restyle.ingest.frame.Frame#discontinuity}. */
  RECONNECT,
  /** The frame's size differs from the previous frame's. */
  SIZE,
  /** The frame's index does not follow the previous frame's (a replay, a restarted stream). */
  ORDER;

  /** The name as metrics tag it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
