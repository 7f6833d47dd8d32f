package dev.restyle.serve.preview;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.serve.image.Rgb;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;

/**
 * The latest stylised frame of one pipeline, for its live preview. The sink side {@link #offer}s
 * each frame it writes: that only swaps a reference (frames are immutable), so the pipeline pays
 * nothing when nobody watches. Viewers ask for the {@link #jpeg} of the latest frame; it is encoded
 * once per frame however many viewers there are, and only when someone asks.
 */
public final class LatestFrame {
  /** A JPEG of a frame, with the frame's sequence number (frames written before it, plus one). */
  public record Jpeg(long sequence, int width, int height, byte[] bytes) {}

  private record Entry(Frame frame, long sequence) {}

  private final AtomicReference<Entry> latest = new AtomicReference<>();
  private Jpeg encoded; // guarded by this

  /** Called on the sink's thread for every frame written; {@code sequence} grows by one each. */
  public void offer(Frame frame, long sequence) {
    latest.set(new Entry(frame, sequence));
  }

  /** The sequence number of the latest frame, 0 before the first. */
  public long sequence() {
    Entry e = latest.get();
    return e == null ? 0 : e.sequence();
  }

  /** The latest frame as a JPEG, if a frame has been written. */
  public Optional<Jpeg> jpeg() {
    Entry e = latest.get();
    if (e == null) {
      return Optional.empty();
    }
    synchronized (this) {
      if (encoded == null || encoded.sequence() != e.sequence()) {
        encoded = new Jpeg(e.sequence(), e.frame().width(), e.frame().height(), encode(e.frame()));
      }
      return Optional.of(encoded);
    }
  }

  private static byte[] encode(Frame frame) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(frame.width() * frame.height() / 4);
    try {
      if (!ImageIO.write(Rgb.unpack(frame.rgb(), frame.width(), frame.height()), "jpg", out)) {
        throw new IllegalStateException("this JVM has no JPEG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writes to memory: not expected
    }
    return out.toByteArray();
  }
}
