package dev.restyle.ingest.video;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The ffmpeg and ffprobe programs (Debian's, not the FFmpeg that restyle links), for tests that
 * need clips made and checked independently of restyle: test-pattern clips, damaged copies, and
 * frame counts and timestamps as ffprobe decodes them. Tests skip where they are missing (CI
 * installs {@code ffmpeg}, see .ci/apt-packages).
 */
public final class FfmpegCli {
  private static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
  private static final Path FFPROBE = Path.of("/usr/bin/ffprobe");

  private FfmpegCli() {}

  /** Skips the calling test unless ffmpeg and ffprobe are installed. */
  public static void assumeAvailable() {
    assumeTrue(
        Files.isExecutable(FFMPEG) && Files.isExecutable(FFPROBE),
        "needs ffmpeg and ffprobe (apt-get install ffmpeg)");
  }

  /**
   * Writes {@code frames} frames of FFmpeg's {@code testsrc2} pattern (a moving picture with a
   * frame counter: every frame differs) at {@code fps}, with a sine tone, H.264 with a key frame
   * every {@code gop} frames and no B-frames. For MP4 the index goes first ({@code +faststart}), as
   * streaming-ready files have it, so that a copy cut short still opens. Without {@code audio}, no
   * tone (AAC's priming delay shifts the first video frame in some containers).
   */
  public static Path testPattern(
      Path out, int width, int height, int fps, int frames, int gop, boolean audio)
      throws IOException, InterruptedException {
    double seconds = frames / (double) fps;
    List<String> command =
        new ArrayList<>(
            List.of(
                FFMPEG.toString(),
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=" + width + "x" + height + ":rate=" + fps,
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=8000",
                "-t",
                Double.toString(seconds),
                "-frames:v",
                Integer.toString(frames),
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-g",
                Integer.toString(gop),
                "-bf",
                "0",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "32k"));
    if (!audio) {
      command.add("-an");
    }
    if (out.toString().endsWith(".mp4")) {
      command.addAll(List.of("-movflags", "+faststart"));
    }
    command.add(out.toString());
    run(command, true);
    return out;
  }

  /** A copy of {@code in} with only its first {@code fraction} of bytes. */
  public static Path truncated(Path in, Path out, double fraction) throws IOException {
    byte[] bytes = Files.readAllBytes(in);
    Files.write(out, Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
    return out;
  }

  /** A copy of {@code in} with {@code count} random bytes replaced at random, from {@code from}. */
  public static Path flipped(Path in, Path out, long seed, int count, double from)
      throws IOException {
    byte[] bytes = Files.readAllBytes(in);
    Random random = new Random(seed);
    int start = (int) (bytes.length * from);
    for (int i = 0; i < count; i++) {
      bytes[start + random.nextInt(bytes.length - start)] = (byte) random.nextInt(256);
    }
    Files.write(out, bytes);
    return out;
  }

  /**
   * The timestamps (microseconds) of the video frames ffprobe decodes from a file, in order: as
   * many as the file holds playable frames.
   *
   * @throws IOException if ffprobe cannot open the file
   */
  public static List<Long> frameTimestamps(Path file) throws IOException, InterruptedException {
    String out =
        run(
            List.of(
                FFPROBE.toString(),
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "frame=best_effort_timestamp_time",
                "-of",
                "csv=p=0",
                file.toString()),
            false);
    List<Long> timestamps = new ArrayList<>();
    for (String line : out.split("\n")) {
      String t = line.strip().replace(",", "");
      if (!t.isEmpty()) {
        timestamps.add(Math.round(Double.parseDouble(t) * 1e6));
      }
    }
    return timestamps;
  }

  /** Runs a program; its stdout, with its stderr if {@code withErrors}. */
  private static String run(List<String> command, boolean withErrors)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (withErrors) {
      builder.redirectErrorStream(true);
    } else {
      builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + command);
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(command.get(0) + " failed (" + process.exitValue() + "): " + text);
    }
    return text;
  }
}
