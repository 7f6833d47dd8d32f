package dev.restyle.ingest.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;

import dev.restyle.ingest.frame.Frame;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Feeds packed RGB24 frames to a started recorder's video encoder, through one direct buffer that
 * is reused while the frame size holds. The recorder's time base is one frame: each frame's
 * timestamp is rounded to it, and a frame that would not move forward goes one frame on.
 */
public final class RgbFrameRecorder {
  private final FFmpegFrameRecorder recorder;
  private final double frameRate;
  private ByteBuffer pixels;
  private long lastNumber = -1;

  public RgbFrameRecorder(FFmpegFrameRecorder recorder, double frameRate) {
    this.recorder = recorder;
    this.frameRate = frameRate;
  }

  /**
   * Encodes the frame's image at its timestamp.
   *
   * @throws FrameRecorder.Exception if the encoder or the output fails
   * @throws IOException if the timestamp is beyond the recorder's frame numbers
   */
  public void record(Frame frame) throws IOException {
    long number = Math.round(frame.ptsMicros() * frameRate / 1_000_000.0);
    if (number <= lastNumber) {
      number = lastNumber + 1; // keep timestamps strictly increasing on odd input
    }
    if (number > Integer.MAX_VALUE) {
      throw new IOException("frame timestamp " + frame.ptsMicros() + " us is out of range");
    }
    if (pixels == null || pixels.capacity() != frame.rgb().length) {
      pixels = ByteBuffer.allocateDirect(frame.rgb().length);
    }
    pixels.clear();
    pixels.put(frame.rgb()).flip();
    recorder.setFrameNumber((int) number);
    recorder.recordImage(
        frame.width(),
        frame.height(),
        org.bytedeco.javacv.Frame.DEPTH_UBYTE,
        3,
        frame.width() * 3,
        AV_PIX_FMT_RGB24,
        pixels);
    lastNumber = number;
  }

  /** Writes the packets the encoder still holds back; call before the recorder stops. */
  public void drain() throws FrameRecorder.Exception {
    while (recorder.recordImage(0, 0, 0, 0, 0, AV_PIX_FMT_NONE, (Buffer[]) null)) {
      // each call writes one delayed packet
    }
  }
}
