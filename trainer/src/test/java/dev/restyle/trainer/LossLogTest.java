package dev.restyle.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossLogTest {
  @TempDir Path dir;

  @Test
  void resumingKeepsTheRowsUpToTheCheckpoint() throws IOException {
    Path csv = dir.resolve("losses.csv");
    try (LossLog log = new LossLog(csv, 0)) {
      for (long step = 10; step <= 40; step += 10) {
        log.add(row(step, 100.0 / step));
      }
    }
    try (LossLog log = new LossLog(csv, 20)) {
      assertEquals(List.of(10L, 20L), log.rows().stream().map(LossLog.Row::step).toList());
      log.add(row(30, 1.5));
    }
    List<String> lines = Files.readAllLines(csv);
    assertEquals(LossLog.HEADER, lines.get(0));
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertEquals("30,1.50000,", lines.get(3).substring(0, 11));
  }

  @Test
  void freshLogStartsEmpty() throws IOException {
    Path csv = dir.resolve("losses.csv");
    Files.writeString(csv, LossLog.HEADER + "\n5,1,1,1,1,1,1\n");
    try (LossLog log = new LossLog(csv, 0)) {
      assertEquals(0, log.rows().size());
    }
    assertEquals(List.of(LossLog.HEADER), Files.readAllLines(csv));
  }

  @Test
  void plotsAPng() throws IOException {
    Path png = dir.resolve("losses.png");
    try (LossLog log = new LossLog(dir.resolve("losses.csv"), 0)) {
      log.add(row(1, 10));
      log.add(row(2, 3));
      log.plot(png, "test");
    }
    assertEquals(900, ImageIO.read(png.toFile()).getWidth());
  }

  private static LossLog.Row row(long step, double total) {
    return new LossLog.Row(step, total, total / 2, total / 3, 0.01, 4.0, step * 0.5);
  }
}
