package dev.restyle.ingest.temporal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How temporal stabilisation ({@link TemporalStabilizer}) works: validated on construction, every
 * problem at once (each message starts with the field's name, as a pipeline config reports it under
 * {@code temporal.}).
 *
 * @param enabled whether frames are stabilised at all
 * @param blend the weight of the previous output frame, warped onto the current one, where the flow
 *     is reliable (0 to 0.95): 0 paints each frame on its own, higher values are steadier and carry
 *     more of the past along the motion
 * @param flowWidth the most pixels wide optical flow runs at: frames are scaled down by the
 *     smallest whole factor that brings them to it or under (640 wide by 4 for the default 160,
 *     1280 by 8), keeping their aspect; narrower frames run at their own size. 16 to 4096 pixels
 * @param preset DIS optical flow's preset (ultrafast, fast, medium)
 * @param tolerance forward-backward check: a pixel's flow is reliable if following it there and
 *     back lands within this many pixels (of the frame) of where it started, plus 1% of the motion
 * @param photometric a pixel is also unreliable if the previous input frame, warped by the flow,
 *     differs from the current one there by more than this many grey levels (0 to 255 scale): new
 *     content, a moving object's wake, a wrong flow
 * @param cutShare below this share of reliable pixels the frame counts as a scene cut and
 *     stabilisation starts afresh (0 to 1)
 * @param maxStreams streams whose previous frame is kept at once; the least recently seen is
 *     forgotten beyond it (1 to 100000)
 */
public record TemporalSettings(
    boolean enabled,
    double blend,
    int flowWidth,
    DisPreset preset,
    double tolerance,
    int photometric,
    double cutShare,
    int maxStreams) {

  /** On, with the defaults. */
  public static final TemporalSettings DEFAULT =
      new TemporalSettings(true, 0.8, 160, DisPreset.FAST, 1.0, 24, 0.3, 64);

  /** Off: every frame is painted on its own. */
  public static final TemporalSettings OFF = DEFAULT.withEnabled(false);

  public TemporalSettings {
    Objects.requireNonNull(preset, "preset");
    List<String> problems =
        problems(blend, flowWidth, preset, tolerance, photometric, cutShare, maxStreams);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** Everything wrong with these values, each message starting with the field's name. */
  public static List<String> problems(
      double blend,
      int flowWidth,
      DisPreset preset,
      double tolerance,
      int photometric,
      double cutShare,
      int maxStreams) {
    List<String> p = new ArrayList<>();
    if (!(blend >= 0 && blend <= 0.95)) {
      p.add("blend: must be 0 to 0.95, got " + blend);
    }
    if (flowWidth < 16 || flowWidth > 4096) {
      p.add("flowWidth: must be 16 to 4096 pixels, got " + flowWidth);
    }
    if (preset == null) {
      p.add("preset: required (ultrafast, fast or medium)");
    }
    if (!(tolerance > 0 && tolerance <= 100)) {
      p.add("tolerance: must be above 0 and at most 100 pixels, got " + tolerance);
    }
    if (photometric < 1 || photometric > 255) {
      p.add("photometric: must be 1 to 255 grey levels, got " + photometric);
    }
    if (!(cutShare >= 0 && cutShare <= 1)) {
      p.add("cutShare: must be 0 to 1, got " + cutShare);
    }
    if (maxStreams < 1 || maxStreams > 100_000) {
      p.add("maxStreams: must be 1 to 100000, got " + maxStreams);
    }
    return p;
  }

  public TemporalSettings withEnabled(boolean on) {
    return new TemporalSettings(
        on, blend, flowWidth, preset, tolerance, photometric, cutShare, maxStreams);
  }

  public TemporalSettings withBlend(double weight) {
    return new TemporalSettings(
        enabled, weight, flowWidth, preset, tolerance, photometric, cutShare, maxStreams);
  }

  @Override
  public String toString() {
    return enabled
        ? "temporal[blend "
            + blend
            + ", flow "
            + preset.label()
            + " at "
            + flowWidth
            + " px, tolerance "
            + tolerance
            + " px, photometric "
            + photometric
            + ", cut below "
            + cutShare
            + ", "
            + maxStreams
            + " streams]"
        : "temporal[off]";
  }
}
