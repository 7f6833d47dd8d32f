package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.video.FfmpegCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restyle video} in a child process, stopped by real signals mid-file: the first SIGTERM
 * finishes the frames in the network, completes the output (which ffprobe plays, holding exactly
 * the frames reported, the input's first ones at their timestamps) and exits 143 within the
 * shutdown timeout; a second SIGTERM, or a drain slower than {@code --shutdown-timeout}, quits at
 * once with status 4 and leaves no partial file.
 */
class ShutdownTest {
  @RegisterExtension static final TemporaryHome HOME = new TemporaryHome("tiny");
  @TempDir Path dir;

  private static final Pattern FRAMES = Pattern.compile(": (\\d+) frames in ");

  private RestyleProcess video(Path input, Path output, String... more) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("video", input.toString(), "--style", "tiny", "-o", output.toString()));
    args.addAll(List.of(more));
    return RestyleProcess.start(
        HOME.styles().getParent(), dir.resolve("logs"), args.toArray(String[]::new));
  }

  @Test
  void sigtermMidFileCompletesAPlayableOutputOfExactlyTheFramesReported() throws Exception {
    FfmpegCli.assumeAvailable();
    Path input = FfmpegCli.testPattern(dir.resolve("long.mp4"), 96, 64, 25, 1500, 25, true);
    List<Long> inputTimestamps = FfmpegCli.frameTimestamps(input);
    Path output = dir.resolve("out.mp4");
    try (RestyleProcess restyle = video(input, output, "--shutdown-timeout", "10s")) {
      assertTrue(
          restyle.awaitMetric("restyle_frames_out_total", 10, Duration.ofSeconds(60)),
          "10 frames written; stderr: " + restyle.err());
      restyle.signal("TERM");
      long signalled = System.nanoTime();
      int status = restyle.waitFor(Duration.ofSeconds(20));
      double seconds = (System.nanoTime() - signalled) / 1e9;
      assertEquals(143, status, "stdout: " + restyle.out() + "\nstderr: " + restyle.err());
      assertTrue(seconds < 10, "stopped in " + seconds + " s");
      System.out.printf("ShutdownTest: SIGTERM to exit %.2f s%n", seconds);
      assertTrue(restyle.err().contains("SIGTERM: finishing the frames in flight"), restyle.err());

      Matcher m = FRAMES.matcher(restyle.out());
      assertTrue(m.find(), restyle.out());
      int reported = Integer.parseInt(m.group(1));
      assertTrue(restyle.out().contains("stopped early"), restyle.out());
      assertTrue(reported >= 10 && reported < 1500, "frames reported: " + reported);
      List<Long> played = FfmpegCli.frameTimestamps(output);
      assertEquals(reported, played.size(), "ffprobe plays exactly the frames reported");
      assertEquals(inputTimestamps.subList(0, reported), played, "the input's first frames, once");
      assertNoPartialFile();
    }
  }

  @Test
  void aSecondSigtermQuitsAtOnceDuringASlowDrain() throws Exception {
    FfmpegCli.assumeAvailable();
    // large frames: the one in the network takes seconds to finish (1080p took 1.47 s on a quiet
    // 2-core machine, too close to the bound)
    Path input = FfmpegCli.testPattern(dir.resolve("big.mp4"), 2560, 1440, 10, 10, 10, false);
    Path output = dir.resolve("big-out.mp4");
    try (RestyleProcess restyle =
        video(input, output, "--batch", "1", "--shutdown-timeout", "60s")) {
      assertTrue(
          restyle.awaitMetric("restyle_frames_out_total", 1, Duration.ofSeconds(120)),
          "a first frame written; stderr: " + restyle.err());
      double pass = restyle.metric("restyle_inference_latency_seconds_max").orElse(0);
      assertTrue(pass > 1.5, "a network pass takes " + pass + " s: too fast to test a drain");
      System.out.println("ShutdownTest: a network pass of a 1440p frame takes " + pass + " s");
      restyle.signal("TERM");
      Thread.sleep(300);
      assertTrue(restyle.isAlive(), "still draining");
      restyle.signal("TERM");
      long second = System.nanoTime();
      int status = restyle.waitFor(Duration.ofSeconds(30));
      double seconds = (System.nanoTime() - second) / 1e9;
      assertEquals(4, status, "stderr: " + restyle.err());
      // at once: well before the frame in the network could have been finished (a busy machine
      // takes a moment to tear down a process holding gigabytes)
      assertTrue(
          seconds < Math.max(1.0, pass / 2),
          "quit " + seconds + " s after the second signal; a pass takes " + pass + " s");
      assertTrue(restyle.err().contains("SIGTERM again: quitting at once"), restyle.err());
      assertFalse(Files.exists(output), "no output claims to be complete");
      assertNoPartialFile();
    }
  }

  @Test
  void streamSharesTheMechanism() throws Exception {
    FfmpegCli.assumeAvailable();
    Path input = FfmpegCli.testPattern(dir.resolve("long.mkv"), 96, 64, 25, 1500, 25, false);
    List<Long> inputTimestamps = FfmpegCli.frameTimestamps(input);
    Path output = dir.resolve("stream-out.mkv");
    try (RestyleProcess restyle =
        RestyleProcess.start(
            HOME.styles().getParent(),
            dir.resolve("logs"),
            "stream",
            input.toString(),
            "--style",
            "tiny",
            "--out",
            output.toString(),
            "--shutdown-timeout",
            "10s")) {
      assertTrue(
          restyle.awaitMetric("restyle_frames_out_total", 10, Duration.ofSeconds(60)),
          "10 frames written; stderr: " + restyle.err());
      restyle.signal("INT");
      int status = restyle.waitFor(Duration.ofSeconds(20));
      assertEquals(130, status, "stdout: " + restyle.out() + "\nstderr: " + restyle.err());
      assertTrue(restyle.err().contains("restyle stream: SIGINT: finishing"), restyle.err());
      Matcher m = FRAMES.matcher(restyle.out());
      assertTrue(m.find(), restyle.out());
      int reported = Integer.parseInt(m.group(1));
      assertTrue(reported >= 10 && reported < 1500, "frames reported: " + reported);
      assertEquals(inputTimestamps.subList(0, reported), FfmpegCli.frameTimestamps(output));
      assertNoPartialFile();
    }
  }

  @Test
  @Tag("slow") // about a minute: 1080p frames through the network
  void aDrainLongerThanTheShutdownTimeoutQuitsWhenItRunsOut() throws Exception {
    FfmpegCli.assumeAvailable();
    Path input = FfmpegCli.testPattern(dir.resolve("big.mp4"), 1920, 1080, 10, 40, 10, false);
    Path output = dir.resolve("big-out.mp4");
    try (RestyleProcess restyle =
        video(input, output, "--batch", "4", "--max-wait-ms", "5000", "--shutdown-timeout", "1s")) {
      assertTrue(
          restyle.awaitMetric("restyle_frames_out_total", 4, Duration.ofSeconds(120)),
          "a first batch written; stderr: " + restyle.err());
      restyle.signal("TERM");
      long signalled = System.nanoTime();
      int status = restyle.waitFor(Duration.ofSeconds(30));
      double seconds = (System.nanoTime() - signalled) / 1e9;
      assertEquals(4, status, "stderr: " + restyle.err());
      assertTrue(seconds >= 1.0 && seconds < 2.5, "quit " + seconds + " s after the signal");
      assertTrue(restyle.err().contains("not stopped within 1 s"), restyle.err());
      assertFalse(Files.exists(output));
      assertNoPartialFile();
    }
  }

  private void assertNoPartialFile() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> partial =
          files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList();
      assertEquals(List.of(), partial, "partial files left behind");
    }
  }
}
