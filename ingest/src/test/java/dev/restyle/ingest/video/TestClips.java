package dev.restyle.ingest.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;

import dev.restyle.ingest.sample.SampleClip;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Writes small clips with FFmpegFrameRecorder, and reads clips back, independently of ingest. */
final class TestClips {
  private TestClips() {}

  /**
   * Writes {@code spec.frames()} frames of {@link SampleClip#frame} (distinct colours and layout
   * per frame) plus a 440 Hz sine tone.
   *
   * @param format FFmpeg container, e.g. mp4 or matroska
   * @param videoCodec FFmpeg codec id of the video
   * @param audioCodec FFmpeg codec id of the audio
   */
  static void write(Path file, SampleClip.Spec spec, String format, int videoCodec, int audioCodec)
      throws IOException {
    write(file, spec, format, videoCodec, audioCodec, 0);
  }

  /** As above, with a display rotation (clockwise degrees, as JavaCV's recorder takes it). */
  static void write(
      Path file,
      SampleClip.Spec spec,
      String format,
      int videoCodec,
      int audioCodec,
      double rotation)
      throws IOException {
    FFmpegFrameRecorder recorder =
        new FFmpegFrameRecorder(file.toFile(), spec.width(), spec.height(), 1);
    try {
      recorder.setFormat(format);
      recorder.setFrameRate(spec.frameRate());
      recorder.setVideoCodec(videoCodec);
      recorder.setVideoQuality(2);
      if (rotation != 0) {
        recorder.setDisplayRotation(rotation);
      }
      recorder.setSampleRate(spec.sampleRate());
      recorder.setAudioCodec(audioCodec);
      recorder.setAudioBitrate(64_000);
      recorder.start();
      int perFrame = spec.sampleRate() / spec.frameRate();
      for (int i = 0; i < spec.frames(); i++) {
        BufferedImage image = SampleClip.frame(spec, i);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        recorder.recordImage(
            spec.width(),
            spec.height(),
            Frame.DEPTH_UBYTE,
            3,
            spec.width() * 3,
            AV_PIX_FMT_BGR24,
            ByteBuffer.wrap(bgr));
        short[] tone = new short[perFrame];
        for (int k = 0; k < perFrame; k++) {
          double t = (i * perFrame + k) / (double) spec.sampleRate();
          tone[k] = (short) (8000 * Math.sin(2 * Math.PI * 440 * t));
        }
        recorder.recordSamples(spec.sampleRate(), 1, ShortBuffer.wrap(tone));
      }
      recorder.stop();
    } finally {
      recorder.release();
    }
  }

  /** A clip as decoded by a plain FFmpegFrameGrabber. */
  record Decoded(
      List<BufferedImage> frames,
      List<Long> timestamps,
      String videoCodec,
      String audioCodec,
      int sampleRate,
      long audioSamples,
      double frameRate,
      double rotation) {

    double audioSeconds() {
      return audioSamples / (double) sampleRate;
    }
  }

  static Decoded read(Path file) throws IOException {
    List<BufferedImage> frames = new ArrayList<>();
    List<Long> timestamps = new ArrayList<>();
    String videoCodec;
    double frameRate;
    double rotation;
    Java2DFrameConverter converter = new Java2DFrameConverter();
    FFmpegFrameGrabber video = new FFmpegFrameGrabber(file.toFile());
    try {
      video.start();
      videoCodec = video.getVideoCodecName();
      frameRate = video.getFrameRate();
      rotation = video.getDisplayRotation();
      Frame frame;
      while ((frame = video.grabImage()) != null) {
        timestamps.add(frame.timestamp);
        frames.add(copy(converter.convert(frame)));
      }
    } finally {
      video.release();
    }
    String audioCodec = null;
    int sampleRate = 0;
    long samples = 0;
    FFmpegFrameGrabber audio = new FFmpegFrameGrabber(file.toFile());
    try {
      audio.start();
      if (audio.hasAudio()) {
        audioCodec = audio.getAudioCodecName();
        sampleRate = audio.getSampleRate();
        Frame frame;
        while ((frame = audio.grabSamples()) != null) {
          samples +=
              frame.samples[0].limit() / (frame.samples.length == 1 ? frame.audioChannels : 1);
        }
      }
    } finally {
      audio.release();
    }
    return new Decoded(
        frames, timestamps, videoCodec, audioCodec, sampleRate, samples, frameRate, rotation);
  }

  /** The converter reuses its image; keep a copy. */
  private static BufferedImage copy(BufferedImage image) {
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    out.getGraphics().drawImage(image, 0, 0, null);
    return out;
  }

  /** Mean absolute difference over all channels, in 8-bit levels. */
  static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    byte[] x = ((DataBufferByte) a.getRaster().getDataBuffer()).getData();
    byte[] y = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
    if (x.length != y.length) {
      throw new IllegalArgumentException("images differ in size");
    }
    long sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
    }
    return sum / (double) x.length;
  }
}
