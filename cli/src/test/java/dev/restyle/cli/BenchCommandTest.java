package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restyle bench} end to end, on frame sizes small enough for a test. */
class BenchCommandTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path dir;

  @Test
  void printsOneTableWithEndToEndFpsAndDrawsAPlot() throws IOException {
    Path plot = dir.resolve("speed.png");
    Path json = dir.resolve("speed.json");
    CliRun result =
        CliRun.of(
            "bench",
            "--networks",
            "faster",
            "--sizes",
            "64x64",
            "--clips",
            "64x48",
            "--clip-frames",
            "4",
            "--repeats",
            "1",
            "--warmup",
            "0",
            "--threads",
            "1",
            "--python",
            dir.resolve("no-python").toString(),
            "--plot",
            plot.toString(),
            "--json",
            json.toString());
    assertEquals(0, result.exitCode(), result.err());
    String out = result.out();
    assertTrue(out.lines().anyMatch(l -> l.startsWith("faster") && l.contains("64x64")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("faster") && l.contains("64x48")), out);
    assertTrue(out.contains("CPU peak:"), out);
    assertTrue(out.contains("baseline: left out: " + dir.resolve("no-python")), out);

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertTrue(report.path("cpuPeakGflops").asDouble() > 0, report.toString());
    JsonNode timed = report.path("rows").get(0);
    assertTrue(timed.path("millis").asDouble() > 0, timed.toString());
    assertTrue(timed.path("gflopPerFrame").asDouble() > 0, timed.toString());
    JsonNode clip = report.path("rows").get(1);
    assertTrue(clip.path("endToEndFps").asDouble() > 0, clip.toString());
    BufferedImage image = ImageIO.read(plot.toFile());
    assertTrue(image.getWidth() > 500, "a plot");
  }

  @Test
  void matchesThePyTorchBaselineOnTheSameWeights() throws Exception {
    assumeTrue(hasTorch(), PYTHON + " has no torch (apt-get install python3-torch)");
    Path json = dir.resolve("speed.json");
    CliRun result =
        CliRun.of(
            "bench",
            "--networks",
            "full,faster",
            "--sizes",
            "64x64",
            "--clips",
            "none",
            "--repeats",
            "1",
            "--rounds",
            "2",
            "--warmup",
            "0",
            "--threads",
            "1",
            "--json",
            json.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().contains("baseline: PyTorch"), result.out());
    // restyle and the baseline take turns: each row timed in both rounds, on both sides
    assertTrue(result.out().contains("2 alternating rounds"), result.out());
    assertTrue(result.err().contains("faster at 64x64 (round 2 of 2)"), result.err());
    assertTrue(result.err().contains("PyTorch eager baseline (" + PYTHON + ") (round 2 of 2)"));
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    for (String network : new String[] {"full", "faster"}) {
      double diff = report.path("maxAbsDiff").path(network).asDouble(Double.NaN);
      assertTrue(diff < 0.05, network + ": restyle and PyTorch differ by " + diff);
    }
    for (JsonNode row : report.path("rows")) {
      assertTrue(row.path("torchMillis").asDouble() > 0, row.toString());
    }
  }

  @Test
  void badSizesAndUnknownNetworksAreOneClearLine() {
    CliRun size = CliRun.of("bench", "--sizes", "640by480", "--no-baseline");
    assertEquals(2, size.exitCode(), size.err());
    assertTrue(size.err().contains("WIDTHxHEIGHT"), size.err());
    CliRun net = CliRun.of("bench", "--networks", "turbo", "--no-baseline");
    assertEquals(2, net.exitCode(), net.err());
    assertTrue(net.err().contains("unknown network 'turbo'"), net.err());
    CliRun repeats = CliRun.of("bench", "--repeats", "0", "--no-baseline");
    assertEquals(2, repeats.exitCode(), repeats.err());
    assertTrue(repeats.err().contains("repeats must be positive"), repeats.err());
    CliRun rounds = CliRun.of("bench", "--rounds", "0", "--no-baseline");
    assertEquals(2, rounds.exitCode(), rounds.err());
    assertTrue(rounds.err().contains("rounds must be between 1 and 20"), rounds.err());
  }

  private static boolean hasTorch() throws Exception {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, numpy").start();
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
