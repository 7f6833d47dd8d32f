package dev.restyle.ingest.frame;

import java.util.Objects;
import java.util.Optional;

/**
 * What a source knows about its stream before the first frame.
 *
 * @param streamId the id its frames carry
 * @param width frame width in pixels (of the first frame; a stream may change size)
 * @param height frame height in pixels
 * @param frameRate nominal frames per second
 * @param estimatedFrames how many frames the stream holds, from the container; -1 if unknown (live)
 * @param durationMicros the stream's duration; -1 if unknown (live)
 * @param videoCodec the name of the video codec, e.g. {@code h264}
 * @param audioCodec the name of the audio codec, empty if the stream has no audio
 * @param displayRotation degrees a player turns the frames by, from the container's display matrix
 *     (phones record upright video this way), as {@code FFmpegFrameGrabber.getDisplayRotation()}
 *     reports it; 0 for none
 */
public record StreamInfo(
    String streamId,
    int width,
    int height,
    double frameRate,
    long estimatedFrames,
    long durationMicros,
    String videoCodec,
    Optional<String> audioCodec,
    double displayRotation) {

  public StreamInfo {
    Objects.requireNonNull(streamId, "streamId");
    Objects.requireNonNull(videoCodec, "videoCodec");
    Objects.requireNonNull(audioCodec, "audioCodec");
    if (!(frameRate > 0) || Double.isInfinite(frameRate)) {
      throw new IllegalArgumentException("frame rate must be positive, got " + frameRate);
    }
  }

  /** Whether the stream carries an audio track. */
  public boolean hasAudio() {
    return audioCodec.isPresent();
  }
}
