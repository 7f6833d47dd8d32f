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
import java.util.ArrayList;
import java.util.List;
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
 * frame the decoder conceals, a file cut short) is logged with its position and what FFmpeg said,
 * counted in {@link #decodeErrors()} and kept in {@link #damage()}, and decoding goes on; a file
 * that ends in damage, or {@value #MAX_CONSECUTIVE_FAILURES} failed reads in a row, end the stream
 * after the last good frame, as its natural end would.
 */
public final class VideoFileSource implements FrameSource {
  private static final Logger LOG = LoggerFactory.getLogger(VideoFileSource.class);
  static final int MAX_CONSECUTIVE_FAILURES = 32;
  static final int MAX_DAMAGE_KEPT = 1000;
  static final int MAX_DAMAGE_LOGGED = 20;
  private static final double FALLBACK_FRAME_RATE = 25;

  /** libavutil/frame.h's AV_FRAME_FLAG_CORRUPT, which the presets do not map. */
  private static final int AV_FRAME_FLAG_CORRUPT = 1;

  private final Path file;
  private final FFmpegFrameGrabber grabber;
  private final StreamInfo info;
  private long index;
  private long decodeErrors;
  private long lastPts;
  private boolean ended;
  private volatile boolean stopped;
  private final List<InputDamage> damage = new ArrayList<>();

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
    if (stopped) {
      ended = true;
      LOG.debug("{}: stopped after {} frames", file, index);
      return null;
    }
    int failures = 0;
    while (true) {
      long errorsBefore = FfmpegLog.errorsOnThisThread();
      org.bytedeco.javacv.Frame grabbed;
      try {
        grabbed = grabber.grabImage();
      } catch (FrameGrabber.Exception e) {
        String why = FfmpegErrors.describe(e);
        if (++failures >= MAX_CONSECUTIVE_FAILURES) {
          ended = true;
          if (index == 0) {
            throw new IOException(
                file + ": " + failures + " reads in a row failed before any frame: " + why, e);
          }
          damaged(
              InputDamage.Kind.ENDED,
              index,
              nextPts(),
              failures + " reads in a row failed, giving up: " + why);
          return null;
        }
        damaged(InputDamage.Kind.SKIPPED, index, nextPts(), why);
        continue;
      }
      boolean logged = FfmpegLog.errorsOnThisThread() > errorsBefore;
      if (grabbed == null) {
        ended = true;
        if (logged) {
          damaged(InputDamage.Kind.ENDED, index, nextPts(), FfmpegLog.lastErrorOnThisThread());
        }
        if (index == 0) {
          throw new IOException(
              file
                  + " holds no video frame that FFmpeg can decode"
                  + (logged ? ": " + FfmpegLog.lastErrorOnThisThread() : ""));
        }
        LOG.debug("{}: end of stream after {} frames", file, index);
        return null;
      }
      if (corrupt(grabbed)) {
        damaged(
            InputDamage.Kind.CONCEALED,
            index,
            grabbed.timestamp,
            logged
                ? FfmpegLog.lastErrorOnThisThread()
                : "the decoder flagged the frame as corrupt");
      } else if (logged) {
        // FFmpeg complained while reading up to this frame, which itself decoded cleanly: data
        // before it was dropped.
        damaged(
            InputDamage.Kind.SKIPPED, index, grabbed.timestamp, FfmpegLog.lastErrorOnThisThread());
      }
      lastPts = grabbed.timestamp;
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

  /** Where the next frame would be: one frame interval after the last one, 0 before any. */
  private long nextPts() {
    return index == 0 ? 0 : lastPts + Math.round(1_000_000 / info.frameRate());
  }

  private void damaged(InputDamage.Kind kind, long frame, long ptsMicros, String detail) {
    InputDamage damage = new InputDamage(kind, frame, ptsMicros, detail);
    decodeErrors++;
    synchronized (this.damage) {
      if (this.damage.size() < MAX_DAMAGE_KEPT) {
        this.damage.add(damage);
      }
    }
    if (decodeErrors <= MAX_DAMAGE_LOGGED) {
      LOG.warn("{}: damaged at {}", file, damage);
      if (decodeErrors == MAX_DAMAGE_LOGGED) {
        LOG.warn("{}: more damage is counted, and logged at debug level only", file);
      }
    } else {
      LOG.debug("{}: damaged at {}", file, damage);
    }
  }

  /**
   * The damage found so far, in file order (the first {@value #MAX_DAMAGE_KEPT}; {@link
   * #decodeErrors()} counts all).
   */
  public List<InputDamage> damage() {
    synchronized (damage) {
      return List.copyOf(damage);
    }
  }

  /**
   * Ends the stream early, from any thread: {@link #read} returns {@code null} from its next call
   * (a read in progress completes first).
   */
  @Override
  public void stop() {
    stopped = true;
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
