package dev.restyle.ingest.sample;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;

import dev.restyle.ingest.ffmpeg.FfmpegErrors;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.ffmpeg.VideoEncoders;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * A synthetic clip drawn on the fly, so that {@code restyle video} has something to show without
 * shipping a video: a sky whose colours drift, rolling hills, a sun, a bouncing ball and a turning
 * kite, all moving, with a gentle two-note tone as audio. Every frame differs from the others (in
 * colour and layout), which also makes it a test clip: a frame out of order is visible.
 */
public final class SampleClip {

  /**
   * The clip's shape.
   *
   * @param width frame width (even)
   * @param height frame height (even)
   * @param frameRate frames per second
   * @param frames how many frames
   * @param sampleRate audio samples per second; 0 for no audio
   */
  public record Spec(int width, int height, int frameRate, int frames, int sampleRate) {
    /** What {@code restyle video} stylises without an input: 3 s of 320x240 at 15 fps. */
    public static final Spec DEFAULT = new Spec(320, 240, 15, 45, 44_100);

    public Spec {
      if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0) {
        throw new IllegalArgumentException(
            "frames must be at least 16x16 with even sides, got " + width + "x" + height);
      }
      if (frameRate < 1 || frames < 1 || sampleRate < 0) {
        throw new IllegalArgumentException(
            "need a positive frame rate and frame count, got " + frameRate + " fps, " + frames);
      }
    }

    /** The duration in microseconds. */
    public long durationMicros() {
      return frames * 1_000_000L / frameRate;
    }
  }

  private SampleClip() {}

  /** Writes the clip (MP4, or whatever the file name asks for). */
  public static void write(Path output, Spec spec) throws IOException {
    FfmpegLog.install();
    FFmpegFrameRecorder recorder =
        new FFmpegFrameRecorder(
            output.toFile(), spec.width(), spec.height(), spec.sampleRate() > 0 ? 1 : 0);
    try {
      recorder.setFrameRate(spec.frameRate());
      VideoEncoders.configure(
          recorder, VideoEncoders.best(), spec.width(), spec.height(), spec.frameRate(), 0.5);
      if (spec.sampleRate() > 0) {
        recorder.setSampleRate(spec.sampleRate());
        recorder.setAudioCodec(AV_CODEC_ID_AAC);
        recorder.setAudioBitrate(96_000);
      }
      recorder.start();
      long samplesWritten = 0;
      for (int i = 0; i < spec.frames(); i++) {
        BufferedImage image = frame(spec, i);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        recorder.setFrameNumber(i);
        recorder.recordImage(
            spec.width(),
            spec.height(),
            Frame.DEPTH_UBYTE,
            3,
            spec.width() * 3,
            AV_PIX_FMT_BGR24,
            ByteBuffer.wrap(bgr));
        if (spec.sampleRate() > 0) {
          long until = (long) (i + 1) * spec.sampleRate() / spec.frameRate();
          recorder.recordSamples(
              spec.sampleRate(), 1, tone(samplesWritten, (int) (until - samplesWritten), spec));
          samplesWritten = until;
        }
      }
      recorder.stop();
    } catch (FrameRecorder.Exception e) {
      throw new IOException(
          "cannot write the sample clip to " + output + ": " + FfmpegErrors.describe(e), e);
    } finally {
      recorder.release();
    }
  }

  /** Frame {@code index} of the clip, drawn in TYPE_3BYTE_BGR. */
  public static BufferedImage frame(Spec spec, int index) {
    int w = spec.width();
    int h = spec.height();
    double t = index / (double) spec.frameRate();
    double phase = index / (double) Math.max(1, spec.frames());
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      // sky: a vertical gradient whose hues drift over the clip
      Color top = Color.getHSBColor((float) (0.55 + 0.35 * phase), 0.65f, 0.95f);
      Color bottom = Color.getHSBColor((float) (0.10 + 0.30 * phase), 0.45f, 1.0f);
      g.setPaint(new GradientPaint(0, 0, top, 0, h * 0.7f, bottom));
      g.fill(new Rectangle2D.Double(0, 0, w, h));
      // sun, rising
      double sunY = h * (0.55 - 0.35 * phase);
      double sunR = h * 0.12;
      g.setColor(new Color(255, 214, 64));
      g.fill(new Ellipse2D.Double(w * 0.75 - sunR, sunY - sunR, 2 * sunR, 2 * sunR));
      // hills, rolling sideways
      for (int layer = 0; layer < 2; layer++) {
        Path2D hill = new Path2D.Double();
        double base = h * (0.68 + 0.12 * layer);
        hill.moveTo(0, h);
        for (int x = 0; x <= w; x += Math.max(1, w / 32)) {
          double y =
              base
                  + h
                      * 0.07
                      * Math.sin((x / (double) w) * Math.PI * (2 + layer) + t * (1.5 - layer));
          hill.lineTo(x, y);
        }
        hill.lineTo(w, h);
        hill.closePath();
        g.setColor(layer == 0 ? new Color(46, 139, 87) : new Color(34, 100, 52));
        g.fill(hill);
      }
      // a ball bouncing across
      double ballR = h * 0.09;
      double bx = (0.1 + 0.8 * phase) * w;
      double by = h * 0.62 - Math.abs(Math.sin(t * Math.PI * 1.3)) * h * 0.4;
      g.setColor(new Color(220, 40, 60));
      g.fill(new Ellipse2D.Double(bx - ballR, by - ballR, 2 * ballR, 2 * ballR));
      g.setColor(Color.WHITE);
      g.fill(new Ellipse2D.Double(bx - ballR * 0.5, by - ballR * 0.6, ballR * 0.5, ballR * 0.4));
      // a kite turning, with its string
      double kx = w * (0.3 + 0.1 * Math.sin(t * 1.7));
      double ky = h * (0.25 + 0.05 * Math.cos(t * 2.3));
      double s = h * 0.1;
      Path2D kite = new Path2D.Double();
      kite.moveTo(0, -s);
      kite.lineTo(s * 0.7, 0);
      kite.lineTo(0, s * 1.3);
      kite.lineTo(-s * 0.7, 0);
      kite.closePath();
      double angle = 0.6 * Math.sin(t * 2) + phase * Math.PI;
      AffineTransform saved = g.getTransform();
      g.translate(kx, ky);
      g.rotate(angle);
      g.setColor(new Color(40, 70, 200));
      g.fill(kite);
      g.setColor(new Color(250, 230, 40));
      g.setStroke(new BasicStroke(Math.max(1f, h / 120f)));
      g.draw(kite);
      g.setTransform(saved);
      g.setColor(new Color(60, 60, 60));
      double tailX = kx - Math.sin(angle) * s * 1.3; // the kite's tail, turned with it
      double tailY = ky + Math.cos(angle) * s * 1.3;
      g.drawLine((int) tailX, (int) tailY, (int) (w * 0.15), h);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** A soft tone alternating between A4 and E5 every half second, from sample {@code from}. */
  private static ShortBuffer tone(long from, int count, Spec spec) {
    short[] samples = new short[count];
    double rate = spec.sampleRate();
    for (int k = 0; k < count; k++) {
      double time = (from + k) / rate;
      double frequency = ((long) (time * 2) % 2 == 0) ? 440.0 : 659.25;
      samples[k] = (short) (6000 * Math.sin(2 * Math.PI * frequency * time));
    }
    return ShortBuffer.wrap(samples);
  }
}
