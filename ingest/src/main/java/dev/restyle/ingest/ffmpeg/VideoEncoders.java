package dev.restyle.ingest.ffmpeg;

import java.util.List;
import java.util.Optional;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * Chooses and configures the video encoder: H.264 where the bundled FFmpeg has one (libx264 in GPL
 * builds, Cisco's libopenh264 in the LGPL build that Maven Central's {@code org.bytedeco:ffmpeg}
 * jar carries), else MPEG-4 part 2, which every build has.
 */
public final class VideoEncoders {
  /** In order of preference. */
  public static final List<String> PREFERENCE = List.of("libx264", "libopenh264", "mpeg4");

  private VideoEncoders() {}

  /** The first encoder of {@link #PREFERENCE} this FFmpeg build has. */
  public static String best() {
    FfmpegLog.install();
    for (String name : PREFERENCE) {
      if (available(name)) {
        return name;
      }
    }
    throw new IllegalStateException("this FFmpeg build has none of the encoders " + PREFERENCE);
  }

  /** Whether this FFmpeg build has an encoder of that name. */
  public static boolean available(String name) {
    FfmpegLog.install();
    return Optional.ofNullable(avcodec.avcodec_find_encoder_by_name(name))
        .map(c -> !c.isNull())
        .orElse(false);
  }

  /**
   * Sets the encoder and its quality on a recorder that has not started.
   *
   * @param encoder an FFmpeg encoder name, see {@link #PREFERENCE}
   * @param bitsPerPixel target bits per pixel per frame for encoders driven by bit rate (0.1 is
   *     good for natural video; stylised frames carry more texture)
   */
  public static void configure(
      FFmpegFrameRecorder recorder,
      String encoder,
      int width,
      int height,
      double frameRate,
      double bitsPerPixel) {
    recorder.setVideoCodecName(encoder);
    recorder.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
    recorder.setGopSize((int) Math.max(1, Math.round(frameRate * 2)));
    switch (encoder) {
      case "libx264" -> {
        recorder.setVideoBitrate(0);
        recorder.setVideoOption("preset", "veryfast");
        recorder.setVideoOption("crf", "18"); // constant quality; no bit rate, or x264 aims for it
      }
      case "mpeg4" -> recorder.setVideoQuality(2); // fixed quantiser 2: near transparent
      default -> {
        long bitrate = Math.round(width * (double) height * frameRate * bitsPerPixel);
        recorder.setVideoBitrate((int) Math.clamp(bitrate, 500_000L, 100_000_000L));
      }
    }
  }
}
