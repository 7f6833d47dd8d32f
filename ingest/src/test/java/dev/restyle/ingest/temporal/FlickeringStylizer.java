package dev.restyle.ingest.temporal;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.inference.BatchProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stand-in for a style network that flickers as feed-forward networks do: each frame is
 * posterised (a deterministic "style") and then gets a stroke pattern of its own, random per frame
 * (seeded by stream and index, so a frame always comes out the same). Frame by frame, the strokes
 * jump about; a stabiliser should hold them still.
 */
public final class FlickeringStylizer implements BatchProcessor {
  /** Amplitude of the per-frame strokes in grey levels. */
  public static final int STROKES = 24;

  @Override
  public List<Frame> process(List<Frame> batch) {
    List<Frame> out = new ArrayList<>(batch.size());
    for (Frame frame : batch) {
      out.add(frame.withPixels(paint(frame)));
    }
    return out;
  }

  public static byte[] paint(Frame frame) {
    SplittableRandom random =
        new SplittableRandom(31L * frame.streamId().hashCode() + frame.index());
    byte[] in = frame.rgb();
    byte[] out = new byte[in.length];
    int w = frame.width();
    int h = frame.height();
    // strokes: random values on a 4x4-pixel grid, so they are blobs rather than pixel noise
    int gw = (w + 3) / 4;
    int gh = (h + 3) / 4;
    int[] grid = new int[gw * gh];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = random.nextInt(-STROKES, STROKES + 1);
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int stroke = grid[(y / 4) * gw + x / 4];
        for (int c = 0; c < 3; c++) {
          int i = 3 * (y * w + x) + c;
          int v = ((in[i] & 0xff) / 32) * 32 + 16 + stroke;
          out[i] = (byte) Math.clamp(v, 0, 255);
        }
      }
    }
    return out;
  }
}
