package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restyle.engine.TestImages;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.trainer.TrainConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
  @RegisterExtension static final TemporaryHome HOME = new TemporaryHome();

  @TempDir Path dir;
  private Path photos;
  private Path first;
  private Path second;

  /** Five photos; two tiny networks "trained" on them with the last two held out. */
  @BeforeEach
  void createNetworks() throws IOException {
    photos = Files.createDirectory(dir.resolve("photos"));
    for (int i = 0; i < 5; i++) {
      TestImages.write(TestImages.photo(64, 48, i), photos.resolve("p" + i + ".png"));
    }
    Path style = TestImages.write(TestImages.stripes(40, 40, 5), dir.resolve("style.png"));
    TrainConfig config = TrainConfig.defaults("tiny", style, photos).withHoldout(2);
    first = save("first", new Architecture(0.25, 1), config, 1);
    second = save("second", new Architecture(0.25, 1, 2, 5, true), config, 2);
  }

  @Test
  void comparesNetworksOnTheHeldOutPhotos() throws IOException {
    Path json = dir.resolve("eval.json");
    Path sheet = dir.resolve("sheet.jpg");
    Path extra = TestImages.write(TestImages.photo(50, 50, 9), dir.resolve("extra.png"));
    CliRun run =
        CliRun.of(
            "evaluate",
            first.toString(),
            second.toString(),
            "--image",
            extra.toString(),
            "--size",
            "96",
            "--json",
            json.toString(),
            "--sheet",
            sheet.toString());
    assertEquals(0, run.exitCode(), run.errors().toString());
    String out = run.out();
    assertTrue(out.contains("3 photos (the last 2 photos of " + photos), out);
    assertTrue(out.contains("loss network random-pyramid"), out);
    assertTrue(out.contains("total = 1 content + 4 style + 1 tv"), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("first ")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("second ")), out);
    assertFalse(out.contains("note:"), "neither network saw these photos: " + out);

    JsonNode result = new ObjectMapper().readTree(json.toFile());
    assertEquals(
        List.of("p3.png", "p4.png", "extra.png"),
        new ObjectMapper().convertValue(result.get("photos"), List.class));
    assertEquals(2, result.get("networks").size());
    for (JsonNode network : result.get("networks")) {
      assertEquals(3, network.get("perPhoto").size());
      assertTrue(network.get("total").asDouble() > 0);
    }
    assertEquals("first", result.get("networks").get(0).get("label").asText());

    BufferedImage image = ImageIO.read(sheet.toFile());
    assertTrue(image.getWidth() > 3 * 256, "three columns at 256 px: " + image.getWidth());
    assertTrue(image.getHeight() > 3 * 256, "three rows: " + image.getHeight());
  }

  @Test
  void saysWhenANetworkWasTrainedOnEvaluationPhotos() {
    CliRun run = CliRun.of("evaluate", first.toString(), "--holdout", "3", "--size", "96");
    assertEquals(0, run.exitCode(), run.errors().toString());
    assertTrue(
        run.out()
            .contains(
                "note: first was trained on "
                    + photos
                    + " holding out 2 photos: 1 of"
                    + " the 3 evaluated from it were in its training set"),
        run.out());
  }

  @Test
  void unknownNetworkAndMissingStyleAreUserErrors() throws IOException {
    CliRun unknown = CliRun.of("evaluate", "no_such_style");
    unknown.assertUserError("restyle evaluate:", "no_such_style");

    Path anonymous = dir.resolve("anonymous.rsn");
    try (StyleNetwork net = StyleNetwork.initialise(new Architecture(0.25, 1), Device.cpu(), 3)) {
      new NetworkFile(net.architecture(), "from elsewhere", "{}", net.weights()).save(anonymous);
    }
    CliRun noStyle =
        CliRun.of(
            "evaluate", anonymous.toString(), "--photos", photos.toString(), "--holdout", "1");
    noStyle.assertUserError("restyle evaluate:", "names no style image", "--style-image");

    CliRun noPhotos = CliRun.of("evaluate", anonymous.toString());
    noPhotos.assertUserError("restyle evaluate:", "no photos to evaluate on");

    CliRun tooSmall = CliRun.of("evaluate", first.toString(), "--size", "32");
    tooSmall.assertUserError("restyle evaluate:", "too small for the random-pyramid loss network");
  }

  private Path save(String name, Architecture architecture, TrainConfig config, long seed)
      throws IOException {
    Path file = dir.resolve(name + NetworkFile.EXTENSION);
    try (StyleNetwork net = StyleNetwork.initialise(architecture, Device.cpu(), seed)) {
      new NetworkFile(architecture, name, config.toJson(), net.weights()).save(file);
    }
    return file;
  }
}
