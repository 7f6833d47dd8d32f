package dev.restyle.ingest.sink;

import dev.restyle.ingest.ffmpeg.FfmpegErrors;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.ffmpeg.RgbFrameRecorder;
import dev.restyle.ingest.ffmpeg.VideoEncoders;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes frames as they come into a live output with JavaCV's {@link FFmpegFrameRecorder}: a push
 * to an RTSP server ({@code rtsp://}, ANNOUNCE/RECORD), to an RTMP server ({@code rtmp://}, FLV),
 * or an HLS playlist ({@code .m3u8}, with its segments beside it; old segments are deleted).
 *
 * <p>Tuned for latency: no B-frames, a key frame every second, x264's {@code zerolatency} tuning
 * where libx264 is the encoder. Timestamps are the frames' own (a live source keeps them monotonic;
 * a frame that would go back in time is moved one tick forward), so frames a full queue dropped
 * leave a gap in time, not a jump.
 */
public final class StreamSink implements FrameSink {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSink.class);

  /** The kinds of live output. */
  public enum Kind {
    RTSP("rtsp"),
    RTMP("flv"),
    HLS("hls");

    private final String format;

    Kind(String format) {
      this.format = format;
    }

    /** The kind for a target, or null if it is none of them (a file). */
    public static Kind of(String target) {
      String lower = target.toLowerCase(Locale.ROOT);
      if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) {
        return RTSP;
      }
      if (lower.startsWith("rtmp://") || lower.startsWith("rtmps://")) {
        return RTMP;
      }
      if (lower.endsWith(".m3u8")) {
        return HLS;
      }
      return null;
    }
  }

  /**
   * How to write.
   *
   * @param transport RTSP transport for pushes, {@code tcp} or {@code udp}
   * @param segmentSeconds HLS segment length
   * @param playlistSize HLS segments kept in the playlist (and on disk)
   */
  public record Settings(String transport, int segmentSeconds, int playlistSize) {
    public static final Settings DEFAULT = new Settings("tcp", 2, 6);

    public Settings {
      if (!"tcp".equals(transport) && !"udp".equals(transport)) {
        throw new IllegalArgumentException("transport must be tcp or udp, got '" + transport + "'");
      }
      if (segmentSeconds < 1 || playlistSize < 1) {
        throw new IllegalArgumentException(
            "HLS segments and playlist size must be positive, got "
                + segmentSeconds
                + " s and "
                + playlistSize);
      }
    }
  }

  private final String target;
  private final FFmpegFrameRecorder recorder;
  private final RgbFrameRecorder images;
  private long written;
  private boolean finished;
  private boolean released;

  private StreamSink(String target, FFmpegFrameRecorder recorder, double frameRate) {
    this.target = target;
    this.recorder = recorder;
    this.images = new RgbFrameRecorder(recorder, frameRate);
  }

  /**
   * Opens a live output.
   *
   * @throws IllegalArgumentException if the target is no RTSP/RTMP URL or .m3u8 path
   * @throws IOException if the server refuses or the encoder cannot start
   */
  public static StreamSink open(String target, StreamInfo info, Settings settings)
      throws IOException {
    FfmpegLog.install();
    Kind kind = Kind.of(target);
    if (kind == null) {
      throw new IllegalArgumentException(
          target + " is no live output (rtsp://, rtmp:// or a .m3u8 playlist)");
    }
    if (kind == Kind.HLS) {
      Path parent = Path.of(target).toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    }
    String encoder = VideoEncoders.best();
    FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target, info.width(), info.height(), 0);
    try {
      recorder.setFormat(kind.format);
      recorder.setFrameRate(info.frameRate());
      VideoEncoders.configure(
          recorder, encoder, info.width(), info.height(), info.frameRate(), 0.2);
      recorder.setGopSize((int) Math.max(1, Math.round(info.frameRate())));
      recorder.setVideoOption("bf", "0");
      if (encoder.equals("libx264")) {
        recorder.setVideoOption("tune", "zerolatency");
      }
      switch (kind) {
        case RTSP -> recorder.setOption("rtsp_transport", settings.transport());
        case HLS -> {
          recorder.setOption("hls_time", Integer.toString(settings.segmentSeconds()));
          recorder.setOption("hls_list_size", Integer.toString(settings.playlistSize()));
          recorder.setOption("hls_flags", "delete_segments+independent_segments");
        }
        case RTMP -> {}
      }
      recorder.start();
    } catch (FrameRecorder.Exception e) {
      releaseQuietly(recorder);
      throw new IOException(
          "cannot open " + target + " with " + encoder + ": " + FfmpegErrors.describe(e), e);
    }
    LOG.info(
        "streaming to {} ({}, {} {}x{} at {} fps)",
        target,
        kind,
        encoder,
        info.width(),
        info.height(),
        info.frameRate());
    return new StreamSink(target, recorder, info.frameRate());
  }

  @Override
  public void write(Frame frame) throws IOException {
    if (finished || released) {
      throw new IllegalStateException("the sink for " + target + " is closed");
    }
    try {
      images.record(frame);
    } catch (FrameRecorder.Exception e) {
      throw new IOException(
          "cannot send " + frame + " to " + target + ": " + FfmpegErrors.describe(e), e);
    }
    written++;
  }

  /** Frames written so far. */
  public long written() {
    return written;
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    try {
      images.drain();
      recorder.stop();
      released = true;
      recorder.release();
    } catch (FrameRecorder.Exception e) {
      throw new IOException("cannot complete " + target + ": " + FfmpegErrors.describe(e), e);
    }
    finished = true;
    LOG.info("stream to {} complete: {} frames", target, written);
  }

  /** Releases the recorder; a live output simply stops where it was. */
  @Override
  public void close() {
    if (!released) {
      released = true;
      releaseQuietly(recorder);
    }
  }

  private static void releaseQuietly(FFmpegFrameRecorder recorder) {
    try {
      recorder.release();
    } catch (FrameRecorder.Exception e) {
      LOG.debug("cannot release the recorder", e);
    }
  }
}
