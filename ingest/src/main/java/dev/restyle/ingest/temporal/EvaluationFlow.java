package dev.restyle.ingest.temporal;

import java.util.Locale;

/** The optical flow the warping error is measured with, at the clip's full resolution. */
public enum EvaluationFlow {
  /** Farnebäck's flow: independent of the DIS flow the stabiliser uses (the default). */
  FARNEBACK,
  /** DIS with its medium preset (the stabiliser runs the fast preset at a lower resolution). */
  DIS;

  OpticalFlow open() {
    return switch (this) {
      case FARNEBACK -> new FarnebackFlow();
      case DIS -> new DisFlow(DisPreset.MEDIUM);
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code farneback} or {@code dis}. */
  public static EvaluationFlow parse(String text) {
    for (EvaluationFlow f : values()) {
      if (f.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("flow must be farneback or dis, got '" + text + "'");
  }
}
