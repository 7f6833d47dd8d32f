package dev.restyle.ingest.source;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;

import dev.restyle.ingest.audio.AudioTrack;
import dev.restyle.ingest.audio.FileAudioTrack;
import dev.restyle.ingest.ffmpeg.FfmpegErrors;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.ffmpeg.GrabbedImages;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the video of any file FFmpeg reads (MP4, MKV, MOV, WebM, AVI, ...) into RGB frames, with
 * JavaCV's {@link FFmpegFrameGrabber}.
 *
 * <p>A file FFmpeg cannot open, or one without a decodable video frame, is refused with an {@link
 * IOException} that names it. Damage inside a file that opens (a packet that does not decode, a
 * frame the decoder conceals) is logged and counted in {@link #decodeErrors()}, and decoding goes
 * on; {@value #MAX_CONSECUTIVE_FAILURES} failed reads in a row end it with an {@link IOException}.
 */
public final class VideoFileSource implements FrameSource {
  private static final Logger LOG = LoggerFactory.getLogger(VideoFileSource.class);
  static final int MAX_CONSECUTIVE_FAILURES = 32;
  private static final double FALLBACK_FRAME_RATE = 25;

  /** libavutil/frame.h's AV_FRAME_FLAG_CORRUPT, which the presets do not map. */
  private static final int AV_FRAME_FLAG_CORRUPT = 1;

  private final Path file;
  private final FFmpegFrameGrabber grabber;
  private final StreamInfo info;
  private long index;
  private long decodeErrors;
  private boolean ended;

  private VideoFileSource(Path file, FFmpegFrameGrabber grabber, StreamInfo info) {
    this.file = file;
    this.grabber = grabber;
    this.info = info;
  }

  /** Opens a file; its frames carry the file name as stream id. */
  public static VideoFileSource open(Path file) throws IOException {
    return open(file, file.getFileName().toString());
  }

  /**
   * Opens a file.
   *
   * @throws NoSuchFileException if there is no such file
   * @throws IOException if FFmpeg cannot read it or it has no video
   */
  public static VideoFileSource open(Path file, String streamId) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such video file");
    }
    FfmpegLog.install();
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
    grabber.setPixelFormat(AV_PIX_FMT_RGB24);
    // One decoding thread: decoding costs little next to the network, and FFmpeg then logs the
    // decoder's errors on this thread, where FfmpegLog can attribute them to this source.
    grabber.setVideoOption("threads", "1");
    try {
      grabber.start();
    } catch (FrameGrabber.Exception e) {
      release(grabber);
      throw new IOException(
          file + " is not a video file FFmpeg can read: " + FfmpegErrors.describe(e), e);
    }
    if (!grabber.hasVideo() || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
      release(grabber);
      throw new IOException(file + " has no video stream");
    }
    double frameRate = grabber.getFrameRate();
    if (!(frameRate > 0) || Double.isInfinite(frameRate) || frameRate > 1000) {
      LOG.warn(
          "{} declares no usable frame rate ({}); assuming {} fps",
          file,
          frameRate,
          FALLBACK_FRAME_RATE);
      frameRate = FALLBACK_FRAME_RATE;
    }
    long length = grabber.getLengthInTime();
    StreamInfo info =
        new StreamInfo(
            streamId,
            grabber.getImageWidth(),
            grabber.getImageHeight(),
            frameRate,
            Math.max(-1, grabber.getLengthInVideoFrames()),
            length > 0 ? length : -1,
            grabber.getVideoCodecName() == null ? "unknown" : grabber.getVideoCodecName(),
            grabber.hasAudio()
                ? Optional.ofNullable(grabber.getAudioCodecName())
                : Optional.empty(),
            rotation(grabber));
    LOG.debug("opened {}: {}", file, info);
    return new VideoFileSource(file, grabber, info);
  }

  /** The display matrix's rotation in degrees, 0 if none. */
  private static double rotation(FFmpegFrameGrabber grabber) {
    double degrees = grabber.getDisplayRotation();
    return Double.isFinite(degrees) ? degrees : 0;
  }

  public Path file() {
    return file;
  }

  @Override
  public StreamInfo info() {
    return info;
  }

  @Override
  public Frame read() throws IOException {
    if (ended) {
      return null;
    }
    int failures = 0;
    while (true) {
      long errorsBefore = FfmpegLog.errorsOnThisThread();
      org.bytedeco.javacv.Frame grabbed;
      try {
        grabbed = grabber.grabImage();
      } catch (FrameGrabber.Exception e) {
        decodeErrors++;
        LOG.warn("{}: cannot decode frame {}: {}", file, index, FfmpegErrors.describe(e));
        if (++failures >= MAX_CONSECUTIVE_FAILURES) {
          throw new IOException(
              file + ": " + failures + " frames in a row failed to decode, giving up", e);
        }
        continue;
      }
      boolean damaged = FfmpegLog.errorsOnThisThread() > errorsBefore;
      if (grabbed == null) {
        if (damaged) {
          decodeErrors++;
        }
        ended = true;
        if (index == 0) {
          throw new IOException(file + " holds no video frame that FFmpeg can decode");
        }
        LOG.debug("{}: end of stream after {} frames", file, index);
        return null;
      }
      if (damaged || corrupt(grabbed)) {
        decodeErrors++;
        LOG.debug("{}: frame {} decoded with errors", file, index);
      }
      return new Frame(
          info.streamId(),
          index++,
          grabbed.timestamp,
          grabbed.imageWidth,
          grabbed.imageHeight,
          GrabbedImages.packedRgb(grabbed),
          System.nanoTime());
    }
  }

  private static boolean corrupt(org.bytedeco.javacv.Frame grabbed) {
    return grabbed.opaque instanceof AVFrame frame
        && ((frame.flags() & AV_FRAME_FLAG_CORRUPT) != 0 || frame.decode_error_flags() != 0);
  }

  @Override
  public long decodeErrors() {
    return decodeErrors;
  }

  /** The file's audio, read by a demuxer of its own; empty if the file has none. */
  @Override
  public Optional<AudioTrack> openAudio() throws IOException {
    return info.hasAudio() ? FileAudioTrack.open(file.toString()) : Optional.empty();
  }

  @Override
  public void close() throws IOException {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception e) {
      throw new IOException("cannot close " + file + ": " + FfmpegErrors.describe(e), e);
    }
  }

  private static void release(FFmpegFrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception e) {
      LOG.debug("cannot release a grabber that failed to start", e);
    }
  }
}
