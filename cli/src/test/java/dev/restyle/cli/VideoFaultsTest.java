package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.video.FfmpegCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restyle video} on inputs damaged for real: clips made by the ffmpeg program, cut short or
 * with random bytes overwritten. Whatever the damage, a run ends in bounded time with exit status 0
 * (nothing found), 3 (damaged: listed on stderr) or 2 (nothing could be decoded: one line, no
 * output), never 1; and an output, when there is one, plays in ffprobe with exactly the frames
 * reported, each once and in order.
 */
class VideoFaultsTest {
  @RegisterExtension static final TemporaryHome HOME = new TemporaryHome("tiny");
  @TempDir static Path clips;
  @TempDir Path dir;

  private static final int FRAMES = 30;
  private static final Pattern NOTHING_DECODABLE =
      Pattern.compile(
          "not a video file FFmpeg can read|holds no video frame|has no video stream"
              + "|failed before any frame");
  private static final Pattern REPORTED = Pattern.compile(": (\\d+) frames in ");
  private static Path mp4;
  private static Path mkv;
  private static List<Long> mp4Timestamps;

  @BeforeAll
  static void makeClips() throws Exception {
    FfmpegCli.assumeAvailable();
    mp4 = FfmpegCli.testPattern(clips.resolve("clip.mp4"), 96, 64, 10, FRAMES, 5, true);
    mkv = FfmpegCli.testPattern(clips.resolve("clip.mkv"), 96, 64, 10, FRAMES, 5, true);
    mp4Timestamps = FfmpegCli.frameTimestamps(mp4);
    assertEquals(FRAMES, mp4Timestamps.size());
  }

  private CliRun video(Path input, Path output) {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> CliRun.of("video", input.toString(), "--style", "tiny", "-o", output.toString()),
        () -> "restyle video " + input + " did not end within 60 s");
  }

  private static int reported(CliRun run) {
    Matcher m = REPORTED.matcher(run.out());
    assertTrue(m.find(), "a summary line: " + run.out());
    return Integer.parseInt(m.group(1));
  }

  @Test
  void anInputCutShortIsStylisedUpToTheCutAndExitsWithStatus3() throws Exception {
    Path cut = FfmpegCli.truncated(mp4, dir.resolve("cut.mp4"), 0.6);
    Path output = dir.resolve("out.mp4");
    CliRun run = video(cut, output);
    assertEquals(3, run.exitCode(), run.err());
    int frames = reported(run);
    assertTrue(frames > 5 && frames < FRAMES, run.out());
    assertEquals(mp4Timestamps.subList(0, frames), FfmpegCli.frameTimestamps(output));
    List<String> errors = run.errors();
    assertEquals(2, errors.size(), "the damage and where: " + errors);
    assertEquals(
        "restyle video: "
            + cut
            + " is damaged (1 place); the output holds the "
            + frames
            + " frames that decoded (the file declares "
            + FRAMES
            + ")",
        errors.get(0));
    assertTrue(
        errors
            .get(1)
            .matches(
                "  at frame "
                    + frames
                    + " \\("
                    + String.format(java.util.Locale.ROOT, "%.3f", frames / 10.0)
                    + " s\\): ended: \\[mov,mp4,[^]]*\\] stream \\d+, offset 0x[0-9a-f]+: partial"
                    + " file"),
        errors.get(1));
  }

  @Test
  void anInputCutBeforeItsFirstFrameIsBadInputAndLeavesNoOutput() throws Exception {
    byte[] bytes = Files.readAllBytes(mp4);
    int mdat = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("mdat");
    Path cut = dir.resolve("header-only.mp4");
    Files.write(cut, Arrays.copyOf(bytes, mdat + 4 + 16));
    Path output = dir.resolve("out.mp4");
    CliRun run = video(cut, output);
    run.assertUserError("restyle video: ", "header-only.mp4", "no video frame");
    assertFalse(Files.exists(output));
  }

  @Test
  void fuzzedInputsAlwaysEndCleanly() throws Exception {
    fuzz(20251125L, 20);
  }

  @Test
  @Tag("slow")
  void manyMoreFuzzedInputsAlwaysEndCleanly() throws Exception {
    fuzz(7L, 200);
  }

  /** Damages {@code count} copies of the clips at random and checks every outcome. */
  private void fuzz(long seed, int count) throws Exception {
    Random random = new Random(seed);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      Path base = i % 2 == 0 ? mp4 : mkv;
      String ext = i % 2 == 0 ? ".mp4" : ".mkv";
      Path input = dir.resolve("fuzz-" + i + ext);
      String fault;
      switch (random.nextInt(3)) {
        case 0 -> {
          double fraction = 0.05 + 0.93 * random.nextDouble();
          FfmpegCli.truncated(base, input, fraction);
          fault = String.format("cut at %.0f%%", 100 * fraction);
        }
        case 1 -> {
          int bytes = 1 + random.nextInt(64);
          FfmpegCli.flipped(base, input, random.nextLong(), bytes, 0);
          fault = bytes + " bytes overwritten";
        }
        default -> {
          int bytes = 1 + random.nextInt(64);
          Path flipped = dir.resolve("flipped-" + i + ext);
          FfmpegCli.flipped(base, flipped, random.nextLong(), bytes, 0);
          double fraction = 0.3 + 0.65 * random.nextDouble();
          FfmpegCli.truncated(flipped, input, fraction);
          fault = String.format("%d bytes overwritten, cut at %.0f%%", bytes, 100 * fraction);
        }
      }
      Path output = dir.resolve("fuzz-" + i + "-out.mp4");
      String what = input.getFileName() + " (" + fault + ")";
      CliRun run = video(input, output);
      int status = run.exitCode();
      assertTrue(
          status == 0 || status == 2 || status == 3, what + ": exit " + status + "\n" + run.err());
      if (status == 2) {
        assertEquals(1, run.errors().size(), what + ": one line: " + run.errors());
        // only for input that yields no frame at all: damage after a frame must not cost the output
        assertTrue(
            NOTHING_DECODABLE.matcher(run.errors().getFirst()).find(),
            what + ": " + run.errors().getFirst());
        assertFalse(Files.exists(output), what + ": no output");
        outcomes.merge("2 (nothing decodable)", 1, Integer::sum);
        continue;
      }
      int frames = reported(run);
      List<Long> played = FfmpegCli.frameTimestamps(output);
      assertEquals(frames, played.size(), what + ": ffprobe plays the frames reported");
      for (int k = 1; k < played.size(); k++) {
        assertTrue(played.get(k) > played.get(k - 1), what + ": each once, in order: " + played);
      }
      assertEquals(
          status == 3, run.err().contains(" is damaged ("), what + ": damage listed iff 3");
      outcomes.merge(status + (status == 3 ? " (damaged)" : " (clean)"), 1, Integer::sum);
      Files.delete(output);
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(left.noneMatch(f -> f.toString().endsWith(".partial")), "partial files left");
    }
    System.out.printf("VideoFaultsTest: %d fuzzed inputs (seed %d): %s%n", count, seed, outcomes);
  }
}
