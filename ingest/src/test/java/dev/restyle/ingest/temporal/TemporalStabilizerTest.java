package dev.restyle.ingest.temporal;

import static dev.restyle.ingest.temporal.TemporalClips.SPEED;
import static dev.restyle.ingest.temporal.TemporalClips.SQUARE;
import static dev.restyle.ingest.temporal.TemporalClips.SQUARE_X0;
import static dev.restyle.ingest.temporal.TemporalClips.SQUARE_Y;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.frame.Frame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TemporalStabilizer} on clips made by ffmpeg, stylised by a {@link FlickeringStylizer}:
 * flicker falls (E_warp measured with an independent flow), a moving object leaves no trail, a hard
 * cut and a reconnect start afresh, and interleaved streams are each steadied on their own.
 */
class TemporalStabilizerTest {
  private static final int WIDTH = 320;
  private static final int HEIGHT = 240;

  @TempDir static Path dir;

  private static List<Frame> square;
  private static List<Frame> cut;

  @BeforeAll
  static void makeClips() throws Exception {
    TemporalClips.assumeFfmpeg();
    square =
        TemporalClips.read(
            TemporalClips.movingSquare(dir.resolve("square.mp4"), WIDTH, HEIGHT, 40), "square");
    cut =
        TemporalClips.read(TemporalClips.hardCut(dir.resolve("cut.mp4"), WIDTH, HEIGHT, 30), "cut");
  }

  private static List<Frame> stylise(List<Frame> frames) {
    return new FlickeringStylizer().process(frames);
  }

  private static List<Frame> stabilise(
      TemporalStabilizer stabilizer, List<Frame> in, List<Frame> stylised) {
    List<Frame> out = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      out.add(stabilizer.stabilise(in.get(i), stylised.get(i)));
    }
    return out;
  }

  private static List<Double> warpErrors(List<Frame> in, List<List<Frame>> outputs) {
    try (WarpError error = new WarpError(outputs.size(), EvaluationFlow.FARNEBACK)) {
      for (int i = 0; i < in.size(); i++) {
        int k = i;
        error.add(
            in.get(i).rgb(),
            outputs.stream().map(o -> o.get(k).rgb()).toList(),
            in.get(i).width(),
            in.get(i).height());
      }
      return error.errors();
    }
  }

  @Test
  void steadiesFlickerAndLeavesNoTrailBehindAMovingObject() {
    assertEquals(40, square.size());
    List<Frame> stylised = stylise(square);
    List<Frame> out;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TemporalStabilizer stabilizer =
        new TemporalStabilizer(TemporalSettings.DEFAULT, registry, "test")) {
      out = stabilise(stabilizer, square, stylised);
      assertEquals(39, stabilizer.metrics().flow().count(), "flow for every frame but the first");
      assertTrue(
          stabilizer.metrics().carried().mean() > 0.7,
          "most of a still background is carried over, got "
              + stabilizer.metrics().carried().mean());
      for (Reset r : Reset.values()) {
        assertEquals(0, stabilizer.metrics().resets(r), "no " + r + " in a continuous clip");
      }
    }
    List<Double> errors = warpErrors(square, List.of(square, stylised, out));
    double input = errors.get(0);
    double plain = errors.get(1);
    double steady = errors.get(2);
    assertTrue(plain > 4 * input, "the stand-in flickers: " + errors);
    assertTrue(steady < plain / 2, "E_warp at most half of frame by frame: " + errors);

    for (int i = 4; i < out.size(); i++) {
      int left = SQUARE_X0 + SPEED * i;
      // the wake: where the square was over the last few frames, no longer covered
      int wakeFrom = Math.max(0, left - 4 * SPEED);
      if (left + SQUARE >= WIDTH) {
        break;
      }
      double ghost =
          redness(out.get(i), wakeFrom, left - 2, SQUARE_Y + 4, SQUARE_Y + SQUARE - 4)
              - redness(stylised.get(i), wakeFrom, left - 2, SQUARE_Y + 4, SQUARE_Y + SQUARE - 4);
      assertTrue(Math.abs(ghost) < 12, "frame " + i + ": a red trail of " + ghost + " levels");
      double body =
          redness(out.get(i), left + 4, left + SQUARE - 4, SQUARE_Y + 4, SQUARE_Y + SQUARE - 4)
              - redness(
                  stylised.get(i),
                  left + 4,
                  left + SQUARE - 4,
                  SQUARE_Y + 4,
                  SQUARE_Y + SQUARE - 4);
      assertTrue(Math.abs(body) < 12, "frame " + i + ": the square lost " + body + " levels");
    }
  }

  /** Mean of red minus green over a box. */
  private static double redness(Frame f, int x0, int x1, int y0, int y1) {
    double sum = 0;
    int n = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        int i = 3 * (y * f.width() + x);
        sum += (f.rgb()[i] & 0xff) - (f.rgb()[i + 1] & 0xff);
        n++;
      }
    }
    return sum / n;
  }

  @Test
  void startsAfreshAtAHardCut() {
    assertEquals(30, cut.size());
    List<Frame> stylised = stylise(cut);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TemporalStabilizer stabilizer =
        new TemporalStabilizer(TemporalSettings.DEFAULT, registry, "test")) {
      for (int i = 0; i < cut.size(); i++) {
        Frame out = stabilizer.stabilise(cut.get(i), stylised.get(i));
        long cuts = stabilizer.metrics().resets(Reset.CUT);
        assertEquals(i < 15 ? 0 : 1, cuts, "cuts after frame " + i);
        if (i == 0 || i == 15) {
          assertArrayEquals(stylised.get(i).rgb(), out.rgb(), "frame " + i + " starts afresh");
        } else {
          assertFalse(
              Arrays.equals(stylised.get(i).rgb(), out.rgb()), "frame " + i + " is steadied");
        }
      }
    }
  }

  @Test
  void startsAfreshAfterAReconnect() {
    List<Frame> stylised = stylise(square.subList(0, 6));
    try (TemporalStabilizer stabilizer =
        new TemporalStabilizer(TemporalSettings.DEFAULT, new SimpleMeterRegistry(), "test")) {
      for (int i = 0; i < 6; i++) {
        Frame in = i == 3 ? square.get(i).asDiscontinuity() : square.get(i);
        Frame out = stabilizer.stabilise(in, stylised.get(i));
        assertEquals(
            i == 3 || i == 0, Arrays.equals(stylised.get(i).rgb(), out.rgb()), "frame " + i);
      }
      assertEquals(1, stabilizer.metrics().resets(Reset.RECONNECT));
      assertEquals(0, stabilizer.metrics().resets(Reset.CUT));
    }
  }

  @Test
  void steadiesInterleavedStreamsEachAgainstItsOwnPreviousFrame() {
    List<Frame> a = square.subList(0, 10);
    List<Frame> b = cut.subList(0, 10).stream().map(f -> rename(f, "other")).toList();
    List<Frame> alone;
    List<Frame> otherAlone;
    try (TemporalStabilizer one =
            new TemporalStabilizer(TemporalSettings.DEFAULT, new SimpleMeterRegistry(), "a");
        TemporalStabilizer two =
            new TemporalStabilizer(TemporalSettings.DEFAULT, new SimpleMeterRegistry(), "b")) {
      alone = stabilise(one, a, stylise(a));
      otherAlone = stabilise(two, b, stylise(b));
    }
    try (TemporalStabilizer both =
        new TemporalStabilizer(TemporalSettings.DEFAULT, new SimpleMeterRegistry(), "ab")) {
      for (int i = 0; i < 10; i++) {
        Frame x = both.stabilise(a.get(i), stylise(List.of(a.get(i))).get(0));
        Frame y = both.stabilise(b.get(i), stylise(List.of(b.get(i))).get(0));
        assertArrayEquals(alone.get(i).rgb(), x.rgb(), "stream a, frame " + i);
        assertArrayEquals(otherAlone.get(i).rgb(), y.rgb(), "stream other, frame " + i);
      }
      for (Reset r : Reset.values()) {
        assertEquals(0, both.metrics().resets(r), "no " + r + " between interleaved streams");
      }
    }
  }

  private static Frame rename(Frame f, String stream) {
    return new Frame(stream, f.index(), f.ptsMicros(), f.width(), f.height(), f.rgb(), 0);
  }
}
