package dev.restyle.ingest.sink;

import dev.restyle.ingest.audio.AudioTrack;
import dev.restyle.ingest.ffmpeg.FfmpegErrors;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.ffmpeg.RgbFrameRecorder;
import dev.restyle.ingest.ffmpeg.VideoEncoders;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVOutputFormat;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes frames into a video file with JavaCV's {@link FFmpegFrameRecorder}: H.264 where the
 * bundled FFmpeg has an encoder for it, else MPEG-4 part 2 (see {@link VideoEncoders}), in the
 * container the file name asks for (MP4 for {@code .mp4}).
 *
 * <p>The output has the input's frame rate and display rotation, and each frame keeps its timestamp
 * (rounded to the frame-rate grid, which is exact for constant-frame-rate input); frames are
 * written in the order they come. The input's audio, if given, is passed through (see {@link
 * AudioTrack}) and interleaved with the video by timestamp.
 *
 * <p>The file appears only when {@link #finish} succeeds: frames go to a hidden temporary file
 * beside it, moved into place at the end and deleted if the sink is closed unfinished.
 */
public final class VideoFileSink implements FrameSink {
  private static final Logger LOG = LoggerFactory.getLogger(VideoFileSink.class);

  /**
   * How to encode.
   *
   * @param encoder an FFmpeg encoder name, or empty for the best available ({@link
   *     VideoEncoders#best()})
   * @param bitsPerPixel target bits per pixel per frame for encoders driven by bit rate
   */
  public record Settings(Optional<String> encoder, double bitsPerPixel) {
    public static final Settings DEFAULT = new Settings(Optional.empty(), 0.25);

    public Settings {
      Objects.requireNonNull(encoder, "encoder");
      if (!(bitsPerPixel > 0)) {
        throw new IllegalArgumentException("bitsPerPixel must be positive, got " + bitsPerPixel);
      }
    }
  }

  private final Path output;
  private final Path temporary;
  private final FFmpegFrameRecorder recorder;
  private final AudioTrack audio;
  private final String encoder;
  private final RgbFrameRecorder images;
  private final double frameRate;
  private long written;
  private long lastPts = -1;
  private volatile boolean audioEndsWithVideo;
  private boolean audioFailed;
  private boolean finished;
  private boolean released;

  private VideoFileSink(
      Path output,
      Path temporary,
      FFmpegFrameRecorder recorder,
      AudioTrack audio,
      String encoder,
      double frameRate) {
    this.output = output;
    this.temporary = temporary;
    this.recorder = recorder;
    this.images = new RgbFrameRecorder(recorder, frameRate);
    this.audio = audio;
    this.encoder = encoder;
    this.frameRate = frameRate;
  }

  /**
   * Opens a file for writing.
   *
   * @param output the video file to write; its extension picks the container
   * @param info the input stream: frame size and rate
   * @param audio the input's audio to pass through, or empty; the sink closes it
   * @throws IllegalArgumentException if FFmpeg knows no container for the file's extension
   * @throws IOException if the file or the encoder cannot be opened
   */
  public static VideoFileSink open(
      Path output, StreamInfo info, Optional<AudioTrack> audio, Settings settings)
      throws IOException {
    FfmpegLog.install();
    String format = containerOf(output);
    String encoder = settings.encoder().orElseGet(VideoEncoders::best);
    Path absolute = output.toAbsolutePath();
    Path directory = absolute.getParent();
    if (directory != null) {
      Files.createDirectories(directory);
    }
    // FFmpeg creates it, so it gets the usual permissions (createTempFile's are owner-only).
    Path temporary =
        absolute.resolveSibling(
            "." + absolute.getFileName() + "." + UUID.randomUUID() + ".partial");
    FFmpegFrameRecorder recorder =
        new FFmpegFrameRecorder(temporary.toFile(), info.width(), info.height());
    AudioTrack track = audio.orElse(null);
    try {
      recorder.setFormat(format);
      recorder.setFrameRate(info.frameRate());
      if (info.displayRotation() != 0) {
        // Frames stay as decoded, so players must turn them as they did the input's. (JavaCV's
        // setter takes what its grabber's getter gives.)
        recorder.setDisplayRotation(info.displayRotation());
      }
      VideoEncoders.configure(
          recorder,
          encoder,
          info.width(),
          info.height(),
          info.frameRate(),
          settings.bitsPerPixel());
      AVFormatContext audioContext = track == null ? null : track.configure(recorder, format);
      if (audioContext != null) {
        recorder.start(audioContext);
      } else {
        recorder.start();
      }
    } catch (IOException | RuntimeException e) {
      releaseQuietly(recorder);
      Files.deleteIfExists(temporary);
      closeQuietly(track);
      if (e instanceof FrameRecorder.Exception) {
        throw new IOException(
            "cannot write " + output + " with " + encoder + ": " + FfmpegErrors.describe(e), e);
      }
      throw e;
    }
    LOG.debug(
        "writing {} ({}, {}, {}x{} at {} fps, audio {})",
        output,
        format,
        encoder,
        info.width(),
        info.height(),
        info.frameRate(),
        track == null ? "none" : track.mode());
    return new VideoFileSink(output, temporary, recorder, track, encoder, info.frameRate());
  }

  /** The FFmpeg container format for a file name, e.g. {@code mp4} for {@code out.mp4}. */
  public static String containerOf(Path output) {
    FfmpegLog.install();
    String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
    AVOutputFormat format = avformat.av_guess_format(null, name, null);
    if (format == null || format.isNull() || format.video_codec() == 0 || !name.contains(".")) {
      throw new IllegalArgumentException(
          "cannot tell a video format from the file name " + output + " (use .mp4, .mkv or .mov)");
    }
    return format.name().getString().split(",")[0];
  }

  /** The encoder in use. */
  public String encoder() {
    return encoder;
  }

  /** The audio track being passed through, if any. */
  public Optional<AudioTrack> audio() {
    return Optional.ofNullable(audio);
  }

  @Override
  public void write(Frame frame) throws IOException {
    if (finished || released) {
      throw new IllegalStateException("the sink for " + output + " is closed");
    }
    long until = frame.ptsMicros();
    passAudio(() -> audio.writeUntil(recorder, until));
    try {
      images.record(frame);
    } catch (FrameRecorder.Exception e) {
      throw new IOException(
          "cannot encode " + frame + " into " + output + ": " + FfmpegErrors.describe(e), e);
    }
    written++;
    lastPts = Math.max(lastPts, frame.ptsMicros());
  }

  /**
   * From any thread: {@link #finish} writes the audio only up to the end of the last frame written,
   * not the rest of the input's, for an output that a stop cuts short.
   */
  public void endAudioWithVideo() {
    audioEndsWithVideo = true;
  }

  /**
   * The hidden file the frames go to until {@link #finish} moves it into place; deleting it is how
   * a process that must quit at once abandons its output.
   */
  public Path partialFile() {
    return temporary;
  }

  /** Writing some audio. */
  @FunctionalInterface
  private interface AudioWrite {
    void run() throws IOException;
  }

  /**
   * Passes audio through unless there is none or it failed before: audio that cannot be passed
   * through (a damaged input's packets) ends the output's audio there, with a warning, and costs no
   * video frame.
   */
  private void passAudio(AudioWrite write) {
    if (audio == null || audioFailed) {
      return;
    }
    try {
      write.run();
    } catch (IOException e) {
      audioFailed = true;
      LOG.warn("{}: the audio ends here: {}", output, e.getMessage());
    }
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
      if (audioEndsWithVideo) {
        long end = lastPts + Math.round(1_000_000 / frameRate);
        passAudio(() -> audio.writeUntil(recorder, end));
      } else {
        passAudio(() -> audio.writeRest(recorder));
      }
      images.drain(); // stop() does not drain the encoder when audio is copied
      recorder.stop();
      released = true;
    } catch (FrameRecorder.Exception e) {
      throw new IOException("cannot complete " + output + ": " + FfmpegErrors.describe(e), e);
    }
    try {
      Files.move(
          temporary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING);
    }
    finished = true;
    LOG.debug("wrote {} frames to {}", written, output);
  }

  @Override
  public void close() throws IOException {
    try {
      if (!released) {
        released = true;
        releaseQuietly(recorder);
      }
      if (!finished) {
        Files.deleteIfExists(temporary);
      }
    } finally {
      if (audio != null) {
        audio.close();
      }
    }
  }

  private static void releaseQuietly(FFmpegFrameRecorder recorder) {
    try {
      recorder.release();
    } catch (FrameRecorder.Exception e) {
      LOG.debug("cannot release the recorder", e);
    }
  }

  private static void closeQuietly(AudioTrack track) {
    if (track == null) {
      return;
    }
    try {
      track.close();
    } catch (IOException e) {
      LOG.debug("cannot close the audio track", e);
    }
  }
}
