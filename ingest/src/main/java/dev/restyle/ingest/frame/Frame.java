package dev.restyle.ingest.frame;

import java.util.Objects;

/**
 * One video frame on its way through a pipeline.
 *
 * <p>Pixels are packed 8-bit RGB: row-major, three bytes {@code R G B} per pixel, no row padding,
 * so {@code rgb.length == width * height * 3}; this is the layout {@link
 * dev.restyle.engine.inference.BatchStylizer} turns into a tensor in one copy. The array is shared,
 * not copied: treat it as immutable once the frame is built. ({@code equals} compares the array by
 * identity, as records do.)
 *
 * @param streamId the stream the frame belongs to (a file name, a camera, a topic partition)
 * @param index the frame's position in its stream, from 0, without gaps for frames a source read
 * @param ptsMicros presentation timestamp in microseconds, in the source's own time line
 * @param width width in pixels
 * @param height height in pixels
 * @param rgb packed RGB pixels
 * @param createdNanos {@link System#nanoTime()} when the source produced the frame, for end-to-end
 *     latency
 * @param discontinuity whether the frame does not follow on from the one before it in its stream
 *     (the first frame after a live source reconnected): what was learnt from earlier frames, such
 *     as temporal stabilisation's previous frame, no longer applies
 */
public record Frame(
    String streamId,
    long index,
    long ptsMicros,
    int width,
    int height,
    byte[] rgb,
    long createdNanos,
    boolean discontinuity) {

  public Frame {
    Objects.requireNonNull(streamId, "streamId");
    Objects.requireNonNull(rgb, "rgb");
    if (index < 0) {
      throw new IllegalArgumentException("frame index must not be negative, got " + index);
    }
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "frame size must be positive, got " + width + "x" + height);
    }
    if ((long) width * height * 3 != rgb.length) {
      throw new IllegalArgumentException(
          "a "
              + width
              + "x"
              + height
              + " RGB frame needs "
              + (long) width * height * 3
              + " bytes, got "
              + rgb.length);
    }
  }

  /** A frame that follows on from the one before it in its stream. */
  public Frame(
      String streamId,
      long index,
      long ptsMicros,
      int width,
      int height,
      byte[] rgb,
      long createdNanos) {
    this(streamId, index, ptsMicros, width, height, rgb, createdNanos, false);
  }

  /**
   * The same frame (stream, index, timestamp, creation time, discontinuity) with other pixels of
   * the same size.
   */
  public Frame withPixels(byte[] pixels) {
    return new Frame(
        streamId, index, ptsMicros, width, height, pixels, createdNanos, discontinuity);
  }

  /** The same frame marked as not following on from the one before it. */
  public Frame asDiscontinuity() {
    return new Frame(streamId, index, ptsMicros, width, height, rgb, createdNanos, true);
  }

  /** Whether {@code other} has the same width and height. */
  public boolean sameSize(Frame other) {
    return width == other.width && height == other.height;
  }

  @Override
  public String toString() {
    return "Frame["
        + streamId
        + " #"
        + index
        + " pts "
        + ptsMicros
        + " us, "
        + width
        + "x"
        + height
        + (discontinuity ? ", discontinuity" : "")
        + "]";
  }
}
