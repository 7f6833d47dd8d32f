package dev.restyle.ingest.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.pipeline.Pipeline;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.sink.VideoFileSink;
import dev.restyle.ingest.source.InputDamage;
import dev.restyle.ingest.source.VideoFileSource;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Video files damaged for real (clips made by the ffmpeg program, then cut short or overwritten
 * with noise): restyle decodes up to and around the damage, reports each place with its frame
 * index, timestamp and FFmpeg's words, and completes an output that ffprobe plays, holding exactly
 * the frames decoded, at the input's timestamps, each once and in order.
 */
class DamagedFileTest {
  private static final int FRAMES = 40;
  private static final int FPS = 10;
  private static final int GOP = 5;

  /**
   * Mean absolute difference allowed between an output frame and the original frame: the detailed
   * test pattern, small and encoded twice at a low bit rate, loses about 11 levels. Behind damaged
   * frames it can lose more: the output encoder's lookahead sees the garbage coming and spends
   * fewer bits on the whole frames before it (20.05 seen once in a full run). A wrong or damaged
   * frame differs far more, and the nearest original must be the right one either way.
   */
  private static final double TOLERANCE = 26;

  @TempDir static Path dir;
  private static Path mp4;
  private static Path mkv;
  private static List<Long> originalTimestamps;
  private static TestClips.Decoded original;

  @BeforeAll
  static void makeClips() throws Exception {
    FfmpegCli.assumeAvailable();
    FfmpegLog.install();
    mp4 = FfmpegCli.testPattern(dir.resolve("pattern.mp4"), 96, 64, FPS, FRAMES, GOP, true);
    mkv = FfmpegCli.testPattern(dir.resolve("pattern.mkv"), 96, 64, FPS, FRAMES, GOP, false);
    originalTimestamps = FfmpegCli.frameTimestamps(mp4);
    assertEquals(FRAMES, originalTimestamps.size());
    original = TestClips.read(mp4);
    assertEquals(FRAMES, original.frames().size());
  }

  /** What a run through the pipeline (frames passed through unchanged) gave. */
  private record Run(
      PipelineResult result, List<InputDamage> damage, List<Long> decoded, Path output) {}

  private static Run passThrough(Path input, String outputName) throws Exception {
    Path output = dir.resolve(outputName);
    List<Long> decoded = new ArrayList<>();
    try (VideoFileSource source = VideoFileSource.open(input);
        VideoFileSink sink =
            VideoFileSink.open(
                output, source.info(), source.openAudio(), VideoFileSink.Settings.DEFAULT)) {
      PipelineResult result =
          Pipeline.builder(
                  source,
                  batch -> {
                    synchronized (decoded) {
                      batch.stream().map(Frame::ptsMicros).forEach(decoded::add);
                    }
                    return batch;
                  },
                  sink)
              .maxBatch(1)
              .build()
              .run();
      return new Run(result, source.damage(), decoded, output);
    }
  }

  /** The output plays, holds exactly the frames written, at the timestamps they were decoded at. */
  private static List<Long> assertCompleteOutput(Run run) throws Exception {
    List<Long> played = FfmpegCli.frameTimestamps(run.output());
    assertEquals(run.result().framesOut(), played.size(), "frames ffprobe plays");
    assertEquals(run.decoded(), played, "output timestamps are the decoded frames'");
    assertEquals(run.result().framesIn(), run.result().framesOut(), "nothing dropped");
    assertEquals(run.result().decodeErrors(), run.damage().size(), "every place is listed");
    assertEquals(played.size(), new HashSet<>(played).size(), "no frame twice: " + played);
    for (int i = 1; i < played.size(); i++) {
      assertTrue(played.get(i) > played.get(i - 1), "in order: " + played);
    }
    assertTrue(originalTimestamps.containsAll(played), "only frames of the input: " + played);
    return played;
  }

  /** Each of the first {@code count} output frames shows its own original frame and no other. */
  private static void assertPictures(Run run, List<Long> played, int count) throws Exception {
    TestClips.Decoded out = TestClips.read(run.output());
    for (int k = 0; k < count; k++) {
      int expected = originalTimestamps.indexOf(played.get(k));
      BufferedImage frame = out.frames().get(k);
      int closest = 0;
      double best = Double.MAX_VALUE;
      for (int j = 0; j < FRAMES; j++) {
        double diff = TestClips.meanAbsDiff(frame, original.frames().get(j));
        if (diff < best) {
          best = diff;
          closest = j;
        }
      }
      assertEquals(expected, closest, "output frame " + k + " shows input frame " + closest);
      assertTrue(best < TOLERANCE, "output frame " + k + " differs by " + best);
    }
  }

  @Test
  void anMp4CutShortIsStylisedUpToTheCutAndTheCutIsReported() throws Exception {
    InputDamage end = stylisedUpToTheCut(mp4, "cut.mp4", "cut-out.mp4");
    assertEquals(
        originalTimestamps.get((int) end.frame() - 1) + 1_000_000 / FPS,
        end.ptsMicros(),
        "its timestamp");
    assertTrue(end.detail().contains("partial file"), "FFmpeg's words: " + end.detail());
    assertFalse(end.detail().contains("@ 0x"), "without addresses: " + end.detail());
  }

  @Test
  void anMkvCutShortIsStylisedUpToTheCut() throws Exception {
    InputDamage end = stylisedUpToTheCut(mkv, "cut.mkv", "cut-mkv.mp4");
    assertTrue(end.detail().contains("File ended prematurely"), "FFmpeg's words: " + end.detail());
  }

  /**
   * Stylises {@code file} cut at 60%: every frame before the cut must be in the output, complete
   * and in order. Returns the damage reported at the end, checked to sit after the last frame.
   */
  private InputDamage stylisedUpToTheCut(Path file, String cut, String output) throws Exception {
    Run run = passThrough(FfmpegCli.truncated(file, dir.resolve(cut), 0.6), output);
    long frames = run.result().framesOut();
    assertTrue(frames > 5 && frames < FRAMES, "frames before the cut: " + frames);
    List<Long> played = assertCompleteOutput(run);
    assertEquals(originalTimestamps.subList(0, (int) frames), played, "every frame before the cut");
    assertPictures(run, played, played.size());
    InputDamage end = run.damage().getLast();
    assertEquals(InputDamage.Kind.ENDED, end.kind(), run.damage().toString());
    assertEquals(frames, end.frame(), "the cut is after the last frame decoded");
    return end;
  }

  @Test
  void noiseInTheMiddleIsReportedWhereItIsAndTheRestIsKept() throws Exception {
    Path noisy = FfmpegCli.flipped(mp4, dir.resolve("noisy.mp4"), 5, 40, 0.5);
    Run run = passThrough(noisy, "noisy-out.mp4");
    List<Long> played = assertCompleteOutput(run);
    assertEquals(originalTimestamps, played, "every frame kept, concealed ones included");
    // noise that decodes without complaint cannot be found; the frames before the noise are whole
    assertPictures(run, played, FRAMES / 4);
    assertTrue(run.result().decodeErrors() > 0, "damage found: " + run.result());
    for (InputDamage d : run.damage()) {
      assertEquals(InputDamage.Kind.CONCEALED, d.kind(), d.toString());
      assertEquals(originalTimestamps.get((int) d.frame()), d.ptsMicros(), "position: " + d);
      assertTrue(d.frame() >= FRAMES / 4, "in the noisy second half: " + d);
      // FFmpeg's words where its error was logged on the reading thread; the H.264 decoder's
      // frame threads sometimes log it on their own, and then the frame's corrupt flag is all
      // there is (seen once in a full test run).
      assertTrue(
          d.detail().startsWith("[h264]")
              || d.detail().equals("the decoder flagged the frame as corrupt"),
          "FFmpeg's words or the corrupt flag: " + d);
    }
  }
}
