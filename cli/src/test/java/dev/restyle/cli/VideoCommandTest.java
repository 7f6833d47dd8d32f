package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.ingest.source.VideoFileSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restyle video} as a user meets it, with a tiny random style in a temporary home. */
class VideoCommandTest {
  private static final Pattern LOG_LINE =
      Pattern.compile("^\\d{2}:\\d{2}:\\d{2} +(TRACE|DEBUG|INFO|WARN|ERROR)\\b.*");

  @TempDir Path dir;
  private String userHome;

  private record Outcome(int exitCode, String out, List<String> errors) {}

  @BeforeAll
  static void loadNatives() {
    // Load libtorch and FFmpeg before user.home moves: both cache their native libraries there.
    Engine.getInstance();
    FfmpegLog.install();
  }

  @BeforeEach
  void useTemporaryHome() throws IOException {
    assumeTrue(System.getenv("RESTYLE_HOME") == null, "RESTYLE_HOME would override user.home");
    userHome = System.getProperty("user.home");
    System.setProperty("user.home", dir.resolve("home").toString());
    Path styles = Files.createDirectories(dir.resolve("home/.restyle/styles"));
    Architecture architecture = new Architecture(0.25, 1);
    try (StyleNetwork net = StyleNetwork.initialise(architecture, Device.cpu(), 1)) {
      new NetworkFile(architecture, "tiny", "{}", net.weights())
          .save(styles.resolve("tiny" + NetworkFile.EXTENSION));
    }
  }

  @AfterEach
  void restoreHome() {
    if (userHome != null) {
      System.setProperty("user.home", userHome);
    }
  }

  @Test
  void stylisesAVideoFile() throws IOException {
    Path input = dir.resolve("in.mp4");
    SampleClip.write(input, new SampleClip.Spec(64, 48, 10, 10, 8_000));
    Path output = dir.resolve("out/in-tiny.mp4");
    Outcome result =
        run("video", input.toString(), "--style", "tiny", "--batch", "3", "-o", output.toString());
    assertEquals(0, result.exitCode(), result.errors().toString());
    assertTrue(result.out().contains("10 frames"), result.out());
    assertTrue(result.out().contains("fps"), result.out());
    try (VideoFileSource out = VideoFileSource.open(output)) {
      assertEquals(10, out.info().estimatedFrames());
      assertEquals(64, out.info().width());
      assertTrue(out.info().hasAudio());
    }
  }

  @Test
  void withoutAnInputStylisesTheSampleClip() throws IOException {
    Path output = dir.resolve("sample.mp4");
    Outcome result = run("video", "--style", "tiny", "--strength", "0.5", "-o", output.toString());
    assertEquals(0, result.exitCode(), result.errors().toString());
    assertTrue(result.out().startsWith("sample clip -> "), result.out());
    try (VideoFileSource out = VideoFileSource.open(output)) {
      assertEquals(SampleClip.Spec.DEFAULT.frames(), out.info().estimatedFrames());
      assertEquals(SampleClip.Spec.DEFAULT.width(), out.info().width());
    }
  }

  @Test
  void aFileThatIsNoVideoIsOneClearLine() throws IOException {
    Path notes = Files.writeString(dir.resolve("notes.mp4"), "not a video at all");
    Path output = dir.resolve("out.mp4");
    Outcome result = run("video", notes.toString(), "--style", "tiny", "-o", output.toString());
    assertUserError(result, "notes.mp4", "not a video file FFmpeg can read");
    assertFalse(Files.exists(output));
  }

  @Test
  void anOutputWithoutAVideoFormatIsRefusedBeforeAnyWork() {
    Outcome result = run("video", "--style", "tiny", "-o", dir.resolve("out.txt").toString());
    assertUserError(result, "out.txt", ".mp4");
  }

  @Test
  void aBatchBelowOneIsRefused() {
    Outcome result =
        run("video", "--style", "tiny", "--batch", "0", "-o", dir.resolve("o.mp4").toString());
    assertUserError(result, "--batch must be at least 1");
  }

  private static void assertUserError(Outcome result, String... parts) {
    assertEquals(2, result.exitCode(), "stderr: " + result.errors());
    assertEquals(1, result.errors().size(), "one line: " + result.errors());
    String line = result.errors().get(0);
    assertTrue(line.startsWith("restyle video: "), line);
    for (String part : parts) {
      assertTrue(line.contains(part), "'" + part + "' in: " + line);
    }
  }

  /** Runs the command line with stdout and stderr captured. */
  private static Outcome run(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(args);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    List<String> errors =
        err.toString(StandardCharsets.UTF_8)
            .lines()
            .flatMap(l -> List.of(l.split("\r")).stream())
            .filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).matches())
            .filter(l -> !l.startsWith("video ")) // the progress bar
            .toList();
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), errors);
  }
}
