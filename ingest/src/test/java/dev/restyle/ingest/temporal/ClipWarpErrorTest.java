package dev.restyle.ingest.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClipWarpError} (what {@code restyle evaluate --temporal} reports) on clip files made by
 * ffmpeg: a copy of the input measures as the input does, temporal noise raises the error, and
 * outputs that cannot be compared frame by frame are refused with the reason.
 */
class ClipWarpErrorTest {
  private static final int FRAMES = 16;

  @TempDir static Path dir;

  private static Path input;

  @BeforeAll
  static void makeInput() throws Exception {
    TemporalClips.assumeFfmpeg();
    input = TemporalClips.movingSquare(dir.resolve("in.mp4"), 160, 120, FRAMES);
  }

  @Test
  void aCopyMeasuresAsTheInputAndNoiseRaisesTheError() throws Exception {
    Path copy = TemporalClips.transcode(input, dir.resolve("copy.mp4"));
    Path noisy =
        TemporalClips.transcode(input, dir.resolve("noisy.mp4"), "-vf", "noise=alls=30:allf=t+u");

    ClipWarpError.Result r =
        ClipWarpError.measure(input, List.of(copy, noisy), EvaluationFlow.FARNEBACK, 0);

    assertEquals(FRAMES - 1, r.pairs());
    assertEquals(List.of(copy, noisy), r.outputs());
    double inputError = r.inputError();
    double copyError = r.errors().get(0);
    double noisyError = r.errors().get(1);
    assertTrue(inputError >= 0 && inputError < 0.01, "input E_warp " + inputError);
    assertEquals(inputError, copyError, 0.2 * inputError + 1e-5, "a re-encoded copy");
    assertTrue(noisyError > 3 * inputError, "noise: " + noisyError + " against " + inputError);
    // Ruder et al.'s motion-boundary check is strict on a small noisy clip: a share, not most.
    assertTrue(r.visibleShare() > 0.05 && r.visibleShare() <= 1, "visible " + r.visibleShare());
  }

  @Test
  void anOutputThatEndsEarlyOrDiffersInSizeIsRefused() throws Exception {
    Path shorter = TemporalClips.transcode(input, dir.resolve("short.mp4"), "-frames:v", "8");
    Path smaller = TemporalClips.transcode(input, dir.resolve("small.mp4"), "-vf", "scale=80:60");

    IOException early =
        assertThrows(
            IOException.class,
            () -> ClipWarpError.measure(input, List.of(shorter), EvaluationFlow.FARNEBACK, 0));
    assertTrue(early.getMessage().contains("ends early"), early.getMessage());
    IOException size =
        assertThrows(
            IOException.class,
            () -> ClipWarpError.measure(input, List.of(smaller), EvaluationFlow.FARNEBACK, 0));
    assertTrue(size.getMessage().contains("one size"), size.getMessage());
  }
}
