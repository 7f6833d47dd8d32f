package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.TestImages;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.util.Sha256;
import dev.restyle.trainer.Checkpoint;
import dev.restyle.trainer.TrainConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a user meets it: exit codes and what is printed. Every test runs with {@code
 * user.home} in a temporary folder, so the style registry sees only the styles a test puts there.
 */
class MainTest {
  @RegisterExtension static final TemporaryHome HOME = new TemporaryHome();
  @TempDir Path dir;

  @Test
  void helpListsTheSubcommands() {
    CliRun result = CliRun.of("--help");
    assertEquals(0, result.exitCode());
    for (String command : List.of("image", "optimize", "train", "styles")) {
      assertTrue(result.out().contains("  " + command + " "), command + " in:\n" + result.out());
    }
    assertEquals(List.of(), result.errors());
  }

  @Test
  void everySubcommandAnswersHelp() {
    for (String command :
        List.of(
            "image",
            "video",
            "stream",
            "run",
            "kafka",
            "optimize",
            "train",
            "serve",
            "weights fetch",
            "weights list")) {
      List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
      args.add("--help");
      CliRun result = CliRun.of(args.toArray(String[]::new));
      assertEquals(0, result.exitCode(), command + ": " + result.errors());
      assertTrue(result.out().contains("Usage: restyle " + command), result.out());
    }
  }

  @Test
  void noSubcommandPrintsTheUsage() {
    CliRun result = CliRun.of();
    assertEquals(0, result.exitCode());
    assertTrue(result.out().contains("Usage: restyle"), result.out());
  }

  @Test
  void textFileGivenAsImageIsOneClearLine() throws IOException {
    Path notes = Files.writeString(dir.resolve("notes.txt"), "not a photo");
    CliRun result = CliRun.of("image", notes.toString(), "--style", "x", "-o", out("out.jpg"));
    result.assertUserError("restyle image:", "notes.txt", "not an image");
  }

  @Test
  void truncatedJpegIsOneClearLine() throws IOException {
    Path jpeg = TestImages.truncatedJpeg(dir.resolve("cut.jpg"));
    CliRun result = CliRun.of("image", jpeg.toString(), "--style", "x", "-o", out("out.jpg"));
    result.assertUserError("restyle image:", "cut.jpg", "corrupt");
  }

  @Test
  void unknownStyleListsTheKnownOnes() throws IOException {
    HOME.saveTinyStyle("tiny-known");
    CliRun result = CliRun.of("image", photo(), "--style", "no-such-style", "-o", out("out.jpg"));
    result.assertUserError("restyle image:", "unknown style 'no-such-style'", "tiny-known");
  }

  @Test
  void unsupportedOutputFormatIsRefusedBeforeAnyWork() {
    CliRun result = CliRun.of("image", photo(), "--style", "x", "-o", out("out.gif"));
    result.assertUserError("restyle image:", "out.gif", ".png");
    assertFalse(Files.exists(dir.resolve("out.gif")));
  }

  @Test
  void strengthOutOfRangeIsRefused() {
    CliRun result =
        CliRun.of("image", photo(), "--style", "x", "--strength", "2", "-o", out("out.jpg"));
    result.assertUserError("restyle image:", "strength must be between 0 and 1");
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    CliRun result = CliRun.of("image", photo());
    assertEquals(2, result.exitCode());
    assertTrue(String.join("\n", result.errors()).contains("--style"), result.errors().toString());
  }

  @Test
  void stylisesAnImageWithAUserStyle() throws IOException {
    HOME.saveTinyStyle("tiny");
    Path output = dir.resolve("out/result.png");
    CliRun result =
        CliRun.of(
            "image", photo(), "--style", "tiny", "--preserve-colours", "-o", output.toString());
    assertEquals(0, result.exitCode(), result.errors().toString());
    BufferedImage image = ImageFiles.read(output);
    assertEquals(37, image.getWidth());
    assertEquals(23, image.getHeight());
    assertTrue(result.out().contains("style tiny"), result.out());
  }

  @Test
  void tileSizeStylisesInBandsAndSaysSo() throws IOException {
    HOME.saveTinyStyle("tiny");
    Path output = dir.resolve("tiled.png");
    CliRun result =
        CliRun.of(
            "image", photo(), "--style", "tiny", "--tile-size", "16", "-o", output.toString());
    assertEquals(0, result.exitCode(), result.errors().toString());
    BufferedImage image = ImageFiles.read(output);
    assertEquals(37, image.getWidth());
    assertEquals(23, image.getHeight());
    assertTrue(result.out().contains("layer by layer in bands of 16"), result.out());
  }

  @Test
  void negativeTileSizeIsRefused() {
    CliRun result =
        CliRun.of("image", photo(), "--style", "x", "--tile-size", "-1", "-o", out("out.png"));
    result.assertUserError("restyle image:", "--tile-size");
  }

  @Test
  void stylesListsUserStyles() throws IOException {
    HOME.saveTinyStyle("tiny-listed");
    CliRun result = CliRun.of("styles");
    assertEquals(0, result.exitCode());
    assertTrue(result.out().contains("tiny-listed"), result.out());
    assertTrue(result.out().contains(HOME.styles().toString()), result.out());
  }

  @Test
  void trainWithoutStyleIsAUserError() {
    CliRun result = CliRun.of("train", "--photos", dir.toString(), "--name", "x");
    result.assertUserError("restyle train:", "--style");
  }

  @Test
  void optimizeWithMissingStyleImageIsAUserError() {
    CliRun result = CliRun.of("optimize", photo(), out("missing.png"), "-o", out("out.jpg"));
    result.assertUserError("restyle optimize:", "missing.png", "no such file");
  }

  @Test
  void trainsAndResumesFromTheCommandLine() throws IOException {
    Path photos = Files.createDirectory(dir.resolve("photos"));
    for (int i = 0; i < 3; i++) {
      TestImages.write(TestImages.photo(40, 40, i), photos.resolve("p" + i + ".png"));
    }
    Path style = TestImages.write(TestImages.stripes(40, 40, 5), dir.resolve("style.png"));
    Path run = dir.resolve("run");

    CliRun tooFew =
        CliRun.of(
            args("train --style {} --photos {} --name cli-tiny --output {}", style, photos, run));
    tooFew.assertUserError("restyle train:", "holding out 30 photos leaves none", "--holdout");
    CliRun outside =
        CliRun.of(
            args(
                "train --style {} --photos {} --name cli-tiny --holdout 1 --style-region 8,0,40,40",
                style,
                photos));
    outside.assertUserError("restyle train:", "style region 8,0,40,40 does not fit", "(40x40)");

    CliRun first =
        CliRun.of(
            args(
                "train --style {} --photos {} --name cli-tiny --output {} --steps 2 --crop-size 32"
                    + " --style-size 32 --batch-size 1 --width 0.25 --residual-blocks 1"
                    + " --checkpoint-every 2 --preview-every 2 --holdout 1"
                    + " --loss-network random-cascade --slices 4 --style-region 4,0,36,40",
                style,
                photos,
                run));
    assertEquals(0, first.exitCode(), first.errors().toString());
    assertTrue(first.out().contains("trained cli-tiny"), first.out());
    String card = Files.readString(run.resolve("cli-tiny.md"));
    assertTrue(
        card.contains("`random-cascade`, sliced-wasserstein style loss, 4 directions per layer"),
        card);
    assertTrue(
        Files.isRegularFile(HOME.styles().resolve("cli-tiny.rsn")), "installed in the user styles");
    Path checkpoint = run.resolve("checkpoint.ckpt");
    assertEquals(0.25, Checkpoint.load(checkpoint).config().width());
    assertEquals(1, Checkpoint.load(checkpoint).config().holdout());
    assertEquals(4, Checkpoint.load(checkpoint).config().slices());
    assertEquals("4,0,36,40", Checkpoint.load(checkpoint).config().styleRegion().toString());
    assertTrue(card.contains("the region 4,0,36,40 (x, y, width, height)"), card);
    // the run's config keeps its region; another --style image drops it (it may not fit there)
    Path small = TestImages.write(TestImages.stripes(24, 24, 3), dir.resolve("small.png"));
    Path other = dir.resolve("other");
    CliRun otherImage =
        CliRun.of(
            args(
                "train --config {} --style {} --output {} --name cli-other --steps 1",
                run.resolve("config.yaml"),
                small,
                other));
    assertEquals(0, otherImage.exitCode(), otherImage.errors().toString());
    assertEquals(null, Checkpoint.load(other.resolve("checkpoint.ckpt")).config().styleRegion());

    CliRun finished = CliRun.of("train", "--resume", checkpoint.toString());
    finished.assertUserError("restyle train:", "pass --steps");

    CliRun resumed = CliRun.of("train", "--resume", checkpoint.toString(), "--steps", "3");
    assertEquals(0, resumed.exitCode(), resumed.errors().toString());
    assertEquals(3, Checkpoint.load(checkpoint).step());
  }

  @Test
  void distilsATeacherFromTheCommandLine() throws IOException {
    Path photos = Files.createDirectory(dir.resolve("photos"));
    for (int i = 0; i < 3; i++) {
      TestImages.write(TestImages.photo(40, 40, i), photos.resolve("p" + i + ".png"));
    }
    Path style = TestImages.write(TestImages.stripes(40, 40, 5), dir.resolve("style.png"));
    HOME.saveTinyStyle("tiny-teacher");
    Path run = dir.resolve("student");

    CliRun orphan =
        CliRun.of(args("train --style {} --photos {} --name s --pixel-weight 2", style, photos));
    orphan.assertUserError("restyle train:", "--pixel-weight", "need --teacher");

    CliRun distil =
        CliRun.of(
            args(
                "train --teacher tiny-teacher --style {} --photos {} --name student --output {}"
                    + " --preset faster --steps 2 --crop-size 32 --style-size 32 --batch-size 1"
                    + " --holdout 1 --pixel-weight 5 --clip-gradient 30 --preview-every 2",
                style,
                photos,
                run));
    assertEquals(0, distil.exitCode(), distil.errors().toString());
    TrainConfig saved = Checkpoint.load(run.resolve("checkpoint.ckpt")).config();
    assertEquals("tiny-teacher", saved.distillation().teacher());
    assertEquals(
        Sha256.ofFile(HOME.styles().resolve("tiny-teacher.rsn")),
        saved.distillation().teacherSha256());
    assertEquals(5.0, saved.distillation().pixelWeight());
    assertEquals(30.0, saved.gradientClip());
    assertEquals(0.25, saved.width(), "the faster preset");
  }

  private String photo() {
    try {
      return TestImages.write(TestImages.photo(37, 23, 1), dir.resolve("photo.png")).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String out(String name) {
    return dir.resolve(name).toString();
  }

  /** Splits a command line at spaces, then puts the values (which may hold spaces) in its {}s. */
  private static String[] args(String line, Object... values) {
    String[] tokens = line.split(" ");
    int next = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i].equals("{}")) {
        tokens[i] = values[next++].toString();
      }
    }
    assertEquals(values.length, next, "values for every {}");
    return tokens;
  }
}
