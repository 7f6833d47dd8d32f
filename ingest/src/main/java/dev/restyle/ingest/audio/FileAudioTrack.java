package dev.restyle.ingest.audio;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_NONE;
import static org.bytedeco.ffmpeg.global.avcodec.FF_COMPLIANCE_NORMAL;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.av_guess_format;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_query_codec;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import dev.restyle.ingest.ffmpeg.FfmpegErrors;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import java.io.IOException;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVOutputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio of a media file, read by a demuxer of its own (cheap: it reads only the audio packets
 * and, when copying, decodes nothing), so the video source and the audio never wait for each other.
 */
public final class FileAudioTrack implements AudioTrack {
  private static final Logger LOG = LoggerFactory.getLogger(FileAudioTrack.class);
  private static final int TRANSCODE_BITRATE = 192_000;

  private final String input;
  private final FFmpegFrameGrabber grabber;
  private final int streamIndex;
  private final AVStream stream;
  private Mode mode;
  private AVFormatContext copyContext;
  private AVPacket pendingPacket;
  private Frame pendingSamples;
  private boolean exhausted;
  private long written;

  private FileAudioTrack(String input, FFmpegFrameGrabber grabber) {
    this.input = input;
    this.grabber = grabber;
    this.streamIndex = grabber.getAudioStream();
    AVFormatContext context = grabber.getFormatContext();
    this.stream = context.streams(streamIndex);
    for (int i = 0; i < context.nb_streams(); i++) {
      if (i != streamIndex) {
        context.streams(i).discard(avcodec.AVDISCARD_ALL); // the demuxer skips them
      }
    }
  }

  /**
   * Opens the audio of a file (or any input FFmpeg reads).
   *
   * @return the track, or empty if the input has no audio
   * @throws IOException if the input cannot be opened
   */
  public static Optional<AudioTrack> open(String input) throws IOException {
    FfmpegLog.install();
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(input);
    try {
      grabber.start();
      if (!grabber.hasAudio() || grabber.getAudioStream() < 0) {
        grabber.release();
        return Optional.empty();
      }
    } catch (FrameGrabber.Exception e) {
      release(grabber);
      throw new IOException(
          "cannot read the audio of " + input + ": " + FfmpegErrors.describe(e), e);
    }
    return Optional.of(new FileAudioTrack(input, grabber));
  }

  @Override
  public AVFormatContext configure(FFmpegFrameRecorder recorder, String outputFormat)
      throws IOException {
    if (mode != null) {
      throw new IllegalStateException("the audio track is already configured");
    }
    AVCodecParameters parameters = stream.codecpar();
    int codec = parameters.codec_id();
    AVOutputFormat format = av_guess_format(outputFormat, null, null);
    if (format == null || format.isNull()) {
      throw new IOException("FFmpeg knows no output format " + outputFormat);
    }
    recorder.setAudioChannels(parameters.ch_layout().nb_channels());
    recorder.setSampleRate(parameters.sample_rate());
    String codecName = avcodec.avcodec_get_name(codec).getString();
    // The recorder allocates an encoder context even when it copies, so the codec needs an encoder.
    boolean copy =
        avformat_query_codec(format, codec, FF_COMPLIANCE_NORMAL) == 1
            && avcodec_find_encoder(codec) != null;
    if (copy) {
      recorder.setAudioCodec(codec);
      recorder.setAudioBitrate(parameters.bit_rate() > 0 ? (int) parameters.bit_rate() : 128_000);
      copyContext = avformat_alloc_context();
      AVStream described = avformat_new_stream(copyContext, null);
      if (described == null || avcodec_parameters_copy(described.codecpar(), parameters) < 0) {
        throw new IOException("cannot describe the " + codecName + " audio of " + input);
      }
      described.codecpar().codec_tag(0); // let the output container pick its own tag
      described.time_base().num(stream.time_base().num()).den(stream.time_base().den());
      mode = Mode.COPY;
      LOG.debug("{}: copying {} audio", input, codecName);
    } else {
      int target =
          format.audio_codec() == AV_CODEC_ID_NONE ? AV_CODEC_ID_AAC : format.audio_codec();
      recorder.setAudioCodec(target);
      recorder.setAudioBitrate(TRANSCODE_BITRATE);
      mode = Mode.TRANSCODE;
      LOG.info(
          "{}: {} audio cannot go into {} unchanged; encoding it as {}",
          input,
          codecName,
          outputFormat,
          avcodec.avcodec_get_name(target).getString());
    }
    return copyContext;
  }

  @Override
  public Mode mode() {
    if (mode == null) {
      throw new IllegalStateException("the audio track is not configured yet");
    }
    return mode;
  }

  @Override
  public void writeUntil(FFmpegFrameRecorder recorder, long micros) throws IOException {
    try {
      if (mode() == Mode.COPY) {
        copyUntil(recorder, micros);
      } else {
        transcodeUntil(recorder, micros);
      }
    } catch (FrameGrabber.Exception | FrameRecorder.Exception e) {
      throw new IOException(
          "cannot pass the audio of " + input + " through: " + FfmpegErrors.describe(e), e);
    }
  }

  private void copyUntil(FFmpegFrameRecorder recorder, long micros)
      throws FrameGrabber.Exception, FrameRecorder.Exception {
    while (true) {
      if (pendingPacket == null) {
        if (exhausted) {
          return;
        }
        AVPacket packet = grabber.grabPacket();
        if (packet == null) {
          exhausted = true;
          return;
        }
        if (packet.stream_index() != streamIndex) {
          av_packet_unref(packet);
          continue;
        }
        pendingPacket = packet;
      }
      long time = pendingPacket.pts() != AV_NOPTS_VALUE ? pendingPacket.pts() : pendingPacket.dts();
      if (time != AV_NOPTS_VALUE && toMicros(time, stream.time_base()) > micros) {
        return;
      }
      pendingPacket.stream_index(0); // its index in the copy context
      recorder.recordPacket(pendingPacket); // writes, then unreferences the packet
      pendingPacket = null;
      written++;
    }
  }

  private void transcodeUntil(FFmpegFrameRecorder recorder, long micros)
      throws FrameGrabber.Exception, FrameRecorder.Exception {
    while (true) {
      if (pendingSamples == null) {
        if (exhausted) {
          return;
        }
        Frame samples = grabber.grabSamples();
        if (samples == null) {
          exhausted = true;
          return;
        }
        pendingSamples = samples; // the grabber's own frame: valid until the next grab
      }
      if (pendingSamples.timestamp > micros) {
        return;
      }
      recorder.recordSamples(
          pendingSamples.sampleRate, pendingSamples.audioChannels, pendingSamples.samples);
      pendingSamples = null;
      written++;
    }
  }

  private static long toMicros(long time, AVRational base) {
    return Math.round(time * 1_000_000.0 * base.num() / base.den());
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public void close() throws IOException {
    if (pendingPacket != null) {
      av_packet_unref(pendingPacket);
      pendingPacket = null;
    }
    try {
      grabber.release();
    } catch (FrameGrabber.Exception e) {
      throw new IOException("cannot close " + input + ": " + FfmpegErrors.describe(e), e);
    } finally {
      if (copyContext != null) {
        avformat_free_context(copyContext);
        copyContext = null;
      }
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
