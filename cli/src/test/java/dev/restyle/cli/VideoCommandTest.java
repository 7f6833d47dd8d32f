package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.ingest.source.VideoFileSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code restyle video} as a user meets it, with a tiny random style in a temporary home. */
class VideoCommandTest {
  @RegisterExtension static final TemporaryHome HOME = new TemporaryHome("tiny");
  @TempDir Path dir;

  @Test
  void stylisesAVideoFile() throws IOException {
    Path input = dir.resolve("in.mp4");
    SampleClip.write(input, new SampleClip.Spec(64, 48, 10, 10, 8_000));
    Path output = dir.resolve("out/in-tiny.mp4");
    CliRun result =
        CliRun.of(
            "video",
            input.toString(),
            "--style",
            "tiny",
            "--batch",
            "3",
            "--predictors",
            "2", // two threads share one network: frames must still come out whole and in order
            "-o",
            output.toString());
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
    CliRun result =
        CliRun.of("video", "--style", "tiny", "--strength", "0.5", "-o", output.toString());
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
    CliRun result =
        CliRun.of("video", notes.toString(), "--style", "tiny", "-o", output.toString());
    result.assertUserError("restyle video: ", "notes.mp4", "not a video file FFmpeg can read");
    assertFalse(Files.exists(output));
  }

  @Test
  void anOutputWithoutAVideoFormatIsRefusedBeforeAnyWork() {
    CliRun result = CliRun.of("video", "--style", "tiny", "-o", dir.resolve("out.txt").toString());
    result.assertUserError("restyle video: ", "out.txt", ".mp4");
  }

  @Test
  void aBatchBelowOneIsRefused() {
    CliRun result =
        CliRun.of(
            "video", "--style", "tiny", "--batch", "0", "-o", dir.resolve("o.mp4").toString());
    result.assertUserError("restyle video: ", "--batch must be at least 1");
  }

  @Test
  void fewerThanOnePredictorIsRefused() {
    CliRun result =
        CliRun.of(
            "video", "--style", "tiny", "--predictors", "0", "-o", dir.resolve("o.mp4").toString());
    result.assertUserError("restyle video: ", "--predictors must be at least 1, got 0");
  }
}
