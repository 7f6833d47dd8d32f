package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

  private record Outcome(int exitCode, String out, String err) {}

  @Test
  void printsOneTableWithEndToEndFpsAndDrawsAPlot() throws IOException {
    Path plot = dir.resolve("speed.png");
    Path json = dir.resolve("speed.json");
    Outcome result =
        run(
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
    Outcome result =
        run(
            "bench",
            "--networks",
            "full,faster",
            "--sizes",
            "64x64",
            "--clips",
            "none",
            "--repeats",
            "1",
            "--warmup",
            "0",
            "--threads",
            "1",
            "--json",
            json.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().contains("baseline: PyTorch"), result.out());
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
    Outcome size = run("bench", "--sizes", "640by480", "--no-baseline");
    assertEquals(2, size.exitCode(), size.err());
    assertTrue(size.err().contains("WIDTHxHEIGHT"), size.err());
    Outcome net = run("bench", "--networks", "turbo", "--no-baseline");
    assertEquals(2, net.exitCode(), net.err());
    assertTrue(net.err().contains("unknown network 'turbo'"), net.err());
    Outcome repeats = run("bench", "--repeats", "0", "--no-baseline");
    assertEquals(2, repeats.exitCode(), repeats.err());
    assertTrue(repeats.err().contains("repeats must be positive"), repeats.err());
  }

  private static boolean hasTorch() throws Exception {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, numpy").start();
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

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
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
