package dev.restyle.ingest.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;

import dev.restyle.ingest.frame.Frame;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Feeds packed RGB24 frames to a started recorder's video encoder, through one direct buffer that
 * is reused while the frame size holds.
 */
public final class RgbFrameRecorder {
  private final FFmpegFrameRecorder recorder;
  private ByteBuffer pixels;

  public RgbFrameRecorder(FFmpegFrameRecorder recorder) {
    this.recorder = recorder;
  }

  /** Encodes the frame's image as frame {@code number} of the recorder's time base (one frame). */
  public void record(Frame frame, int number) throws FrameRecorder.Exception {
    if (pixels == null || pixels.capacity() != frame.rgb().length) {
      pixels = ByteBuffer.allocateDirect(frame.rgb().length);
    }
    pixels.clear();
    pixels.put(frame.rgb()).flip();
    recorder.setFrameNumber(number);
    recorder.recordImage(
        frame.width(),
        frame.height(),
        org.bytedeco.javacv.Frame.DEPTH_UBYTE,
        3,
        frame.width() * 3,
        AV_PIX_FMT_RGB24,
        pixels);
  }

  /** Writes the packets the encoder still holds back; call before the recorder stops. */
  public void drain() throws FrameRecorder.Exception {
    while (recorder.recordImage(0, 0, 0, 0, 0, AV_PIX_FMT_NONE, (Buffer[]) null)) {
      // each call writes one delayed packet
    }
  }
}
