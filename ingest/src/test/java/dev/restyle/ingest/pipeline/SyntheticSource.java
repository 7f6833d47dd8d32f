package dev.restyle.ingest.pipeline;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.source.FrameSource;
import java.util.Optional;
import java.util.function.IntFunction;

/** A source of {@code count} tiny 4x2 frames made by a function, optionally paced like a camera. */
final class SyntheticSource implements FrameSource {
  private final StreamInfo info;
  private final int count;
  private final IntFunction<Frame> frame;
  private final long delayMillis;
  private int next;

  /**
   * @param name stream name in the source's info
   * @param frameRate frame rate in the source's info
   * @param count frames before the end of the stream
   * @param frame the i-th frame
   * @param delayMillis sleep before each frame (0: as fast as read)
   */
  SyntheticSource(
      String name, double frameRate, int count, IntFunction<Frame> frame, long delayMillis) {
    this.info = new StreamInfo(name, 4, 2, frameRate, -1, -1, "raw", Optional.empty(), 0);
    this.count = count;
    this.frame = frame;
    this.delayMillis = delayMillis;
  }

  /** A 4x2 frame of zeros. */
  static Frame tiny(String stream, long index, long ptsMicros) {
    return new Frame(stream, index, ptsMicros, 4, 2, new byte[24], System.nanoTime());
  }

  @Override
  public StreamInfo info() {
    return info;
  }

  @Override
  public Frame read() {
    if (next == count) {
      return null;
    }
    if (delayMillis > 0) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return frame.apply(next++);
  }

  @Override
  public long decodeErrors() {
    return 0;
  }

  @Override
  public void close() {}
}
