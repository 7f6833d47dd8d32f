package dev.restyle.ingest.audio;

import java.io.IOException;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * A stream's audio on its way to an FFmpeg-based sink, which interleaves it with the stylised
 * video: {@link #configure} before the recorder starts, {@link #writeUntil} before each video
 * frame, {@link #writeRest} at the end.
 *
 * <p>Audio is copied packet for packet (untouched: same codec, same bits, same timestamps) where
 * the output container can hold its codec; otherwise it is decoded and encoded again with the
 * container's default audio codec (AAC for MP4).
 */
public interface AudioTrack extends AutoCloseable {

  /** How the audio reaches the output. */
  enum Mode {
    /** Packets copied unchanged. */
    COPY,
    /** Decoded and encoded again. */
    TRANSCODE
  }

  /**
   * Sets the recorder's audio parameters for an output of the given FFmpeg format (e.g. {@code
   * mp4}).
   *
   * @return the format context to pass to {@link FFmpegFrameRecorder#start(AVFormatContext)} when
   *     copying (it describes the audio stream only, so the recorder still encodes video), or
   *     {@code null} to call {@link FFmpegFrameRecorder#start()}
   */
  AVFormatContext configure(FFmpegFrameRecorder recorder, String outputFormat) throws IOException;

  /** The mode {@link #configure} chose. */
  Mode mode();

  /** Writes the audio whose timestamps are at or before {@code micros}. */
  void writeUntil(FFmpegFrameRecorder recorder, long micros) throws IOException;

  /** Writes all the audio not yet written. */
  default void writeRest(FFmpegFrameRecorder recorder) throws IOException {
    writeUntil(recorder, Long.MAX_VALUE);
  }

  /** Audio packets (copy) or sample frames (transcode) written so far. */
  long written();

  @Override
  void close() throws IOException;
}
