package dev.restyle.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.network.NetworkPreset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  @Test
  void rendersRatesSharesAndRatios() {
    FrameSize vga = new FrameSize(640, 480);
    BenchReport report =
        new BenchReport(
            100,
            2,
            0.1,
            0.2,
            List.of(new BenchReport.Row("full", vga, 1, 500, 900, 300L << 20, 25, 1000, 1900, 1.9)),
            "PyTorch 1.13 eager",
            Map.of("full", 0.001));
    String text = report.render();
    String row = text.lines().filter(l -> l.startsWith("full")).findFirst().orElseThrow();
    // 500 ms: 2 fps; 25 GFLOP in 0.5 s: 50 GFLOP/s, half the peak; half the baseline's time
    assertTrue(
        row.matches(
            "full +640x480 +1 +500\\.0 +900\\.0 +2\\.00 +300 +25\\.00 +50\\.0 +50% +1000\\.0"
                + " +1900\\.0 +0\\.50 +1\\.90"),
        row);
    assertTrue(text.contains("CPU peak: 100.0 GFLOP/s"), text);
    assertTrue(text.contains("full 0.001"), text);
    assertTrue(!text.contains("rough numbers"), "a quiet machine: " + text);
  }

  @Test
  void aBusyMachineIsFlagged() {
    BenchReport report = new BenchReport(100, 2, 3.5, 4, List.of(), "left out", Map.of());
    assertTrue(report.render().contains("rough numbers"));
  }

  @Test
  void frameSizesParseAndRefuseNonsense() {
    assertEquals(new FrameSize(1920, 1080), FrameSize.parse("1920x1080"));
    assertThrows(IllegalArgumentException.class, () -> FrameSize.parse("1920*1080"));
    assertThrows(IllegalArgumentException.class, () -> FrameSize.parse("8x8"));
  }

  @Test
  void configReportsEveryProblemAtOnce() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new BenchConfig(
                    List.of(NetworkPreset.FULL),
                    null,
                    List.of(),
                    List.of(),
                    0,
                    0,
                    -1,
                    0,
                    0,
                    0,
                    null,
                    null,
                    null,
                    null));
    for (String part :
        List.of(
            "upsampling",
            "size or clip",
            "clip frames",
            "batch",
            "warmup",
            "repeats",
            "rounds",
            "threads")) {
      assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
    }
  }
}
