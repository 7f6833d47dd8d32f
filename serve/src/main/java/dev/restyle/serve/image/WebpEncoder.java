package dev.restyle.serve.image;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGRA;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import dev.restyle.ingest.ffmpeg.FfmpegErrors;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.ffmpeg.VideoEncoders;
import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * Encodes packed RGB as a still WebP image (RIFF container, lossy VP8) with the libwebp encoder
 * built into JavaCV's FFmpeg, since Java's ImageIO has no WebP writer. One encoder context per
 * image, so calls on different threads do not share state.
 */
public final class WebpEncoder {
  /** The FFmpeg encoder used. */
  public static final String ENCODER = "libwebp";

  /** The largest width or height a WebP image can have. */
  public static final int MAX_SIDE = 16383;

  private WebpEncoder() {}

  /** Whether the bundled FFmpeg has the libwebp encoder. */
  public static boolean available() {
    return VideoEncoders.available(ENCODER);
  }

  /**
   * @param rgb packed RGB, row-major, {@code width * height * 3} bytes
   * @param quality libwebp's lossy quality, 0 (smallest) to 100 (best)
   * @return the complete WebP file
   * @throws IllegalArgumentException for a size WebP cannot hold or a wrong buffer length
   * @throws IllegalStateException if FFmpeg fails to encode
   */
  public static byte[] encode(byte[] rgb, int width, int height, int quality) {
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new IllegalArgumentException(
          "WebP holds 1 to " + MAX_SIDE + " pixels a side, got " + width + "x" + height);
    }
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "a " + width + "x" + height + " RGB image needs " + width * height * 3 + " bytes");
    }
    if (quality < 0 || quality > 100) {
      throw new IllegalArgumentException("WebP quality must be 0 to 100, got " + quality);
    }
    FfmpegLog.install();
    AVCodec codec = avcodec_find_encoder_by_name(ENCODER);
    if (codec == null || codec.isNull()) {
      throw new IllegalStateException("this FFmpeg build has no " + ENCODER + " encoder");
    }
    AVCodecContext context = avcodec_alloc_context3(codec);
    AVFrame frame = av_frame_alloc();
    AVPacket packet = av_packet_alloc();
    try {
      // libwebp takes AV_PIX_FMT_RGB32: B G R A in memory on little-endian (the only build here)
      context.width(width).height(height).pix_fmt(AV_PIX_FMT_BGRA).time_base(av_make_q(1, 1));
      check(
          av_opt_set(context.priv_data(), "quality", Integer.toString(quality), 0), "set quality");
      check(avcodec_open2(context, codec, (AVDictionary) null), "open the encoder");

      frame.format(AV_PIX_FMT_BGRA).width(width).height(height).pts(0);
      check(av_frame_get_buffer(frame, 0), "allocate the frame");
      fill(frame, rgb, width, height);

      check(avcodec_send_frame(context, frame), "encode");
      int received = avcodec_receive_packet(context, packet);
      if (received == AVERROR_EAGAIN()) {
        check(avcodec_send_frame(context, null), "flush");
        received = avcodec_receive_packet(context, packet);
      }
      check(received, "receive the packet");
      byte[] out = new byte[packet.size()];
      packet.data().capacity(packet.size()).get(out);
      return out;
    } finally {
      av_packet_free(packet);
      av_frame_free(frame);
      avcodec_free_context(context);
    }
  }

  private static void fill(AVFrame frame, byte[] rgb, int width, int height) {
    BytePointer data = frame.data(0);
    int stride = frame.linesize(0);
    byte[] row = new byte[width * 4];
    for (int y = 0; y < height; y++) {
      int in = y * width * 3;
      for (int x = 0; x < width; x++, in += 3) {
        row[x * 4] = rgb[in + 2];
        row[x * 4 + 1] = rgb[in + 1];
        row[x * 4 + 2] = rgb[in];
        row[x * 4 + 3] = (byte) 0xff;
      }
      data.position((long) y * stride).put(row, 0, row.length);
    }
  }

  private static void check(int code, String what) {
    if (code < 0) {
      throw new IllegalStateException(
          String.format(Locale.ROOT, "WebP: could not %s: %s", what, FfmpegErrors.describe(code)));
    }
  }
}
