package dev.restyle.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one {@code restyle bench} run measured, and its rendering as one text table.
 *
 * @param cpuPeakGflops best GFLOP/s of a large matrix product
 * @param threads libtorch intra-op threads
 * @param loadBefore 1-minute load average when the run started (others' work on the CPU)
 * @param loadAfter 1-minute load average when it ended
 * @param rows one per network and size
 * @param baseline torch version and threads of the baseline, or why it was left out
 * @param maxAbsDiff per network: largest difference between restyle and the baseline on the check
 *     image ([0, 255] units)
 */
public record BenchReport(
    double cpuPeakGflops,
    int threads,
    double loadBefore,
    double loadAfter,
    List<Row> rows,
    String baseline,
    Map<String, Double> maxAbsDiff) {

  /**
   * One network at one size. Unmeasured values are NaN (or -1 for memory).
   *
   * @param network preset name
   * @param size frame size
   * @param batch frames per pass
   * @param millis median ms per frame, frame in to frame out
   * @param cpuMillis CPU ms per frame (all threads)
   * @param peakRssBytes peak resident memory of the process during the row
   * @param gflopPerFrame convolution FLOPs per frame (2 x multiply-accumulates), in GFLOP
   * @param torchMillis the PyTorch eager baseline's median ms per frame
   * @param torchCpuMillis the baseline's CPU ms per frame
   * @param endToEndFps frames per second through decode, stylise and encode of a clip this size
   */
  public record Row(
      String network,
      FrameSize size,
      int batch,
      double millis,
      double cpuMillis,
      long peakRssBytes,
      double gflopPerFrame,
      double torchMillis,
      double torchCpuMillis,
      double endToEndFps) {

    public double framesPerSecond() {
      return 1000.0 / millis;
    }

    public double gflops() {
      return gflopPerFrame / (millis / 1000.0);
    }

    /** restyle's time over the baseline's (below 1: restyle is faster). */
    public double ratio() {
      return millis / torchMillis;
    }
  }

  public BenchReport {
    rows = List.copyOf(rows);
    maxAbsDiff = Map.copyOf(maxAbsDiff);
  }

  /** The table and the notes under it. */
  public String render() {
    List<String[]> cells = new ArrayList<>();
    cells.add(
        new String[] {
          "network",
          "size",
          "batch",
          "ms/frame",
          "cpu ms",
          "fps",
          "peak RSS MiB",
          "GFLOP/frame",
          "GFLOP/s",
          "% of peak",
          "torch ms",
          "torch cpu ms",
          "restyle/torch",
          "end-to-end fps"
        });
    for (Row r : rows) {
      boolean timed = !Double.isNaN(r.millis());
      cells.add(
          new String[] {
            r.network(),
            r.size().toString(),
            Integer.toString(r.batch()),
            timed ? fmt("%.1f", r.millis()) : "-",
            timed ? fmt("%.1f", r.cpuMillis()) : "-",
            timed ? fmt("%.2f", r.framesPerSecond()) : "-",
            r.peakRssBytes() >= 0 ? fmt("%d", r.peakRssBytes() >> 20) : "-",
            fmt("%.2f", r.gflopPerFrame()),
            timed ? fmt("%.1f", r.gflops()) : "-",
            timed ? fmt("%.0f%%", 100 * r.gflops() / cpuPeakGflops) : "-",
            Double.isNaN(r.torchMillis()) ? "-" : fmt("%.1f", r.torchMillis()),
            Double.isNaN(r.torchCpuMillis()) ? "-" : fmt("%.1f", r.torchCpuMillis()),
            Double.isNaN(r.torchMillis()) || !timed ? "-" : fmt("%.2f", r.ratio()),
            Double.isNaN(r.endToEndFps()) ? "-" : fmt("%.2f", r.endToEndFps())
          });
    }
    int[] widths = new int[cells.getFirst().length];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < cells.size(); r++) {
      String[] row = cells.get(r);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String cell = row[i];
        String pad = " ".repeat(widths[i] - cell.length());
        line.append(i < 2 ? cell + pad : pad + cell).append(i < row.length - 1 ? "  " : "");
      }
      out.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        out.append("-".repeat(line.length())).append('\n');
      }
    }
    out.append(
        fmt(
            "CPU peak: %.1f GFLOP/s (%dx%d float32 matrix product, best of 3), %d libtorch threads%n",
            cpuPeakGflops, CpuPeak.SIZE, CpuPeak.SIZE, threads));
    out.append(fmt("load average: %.2f at start, %.2f at end", loadBefore, loadAfter))
        .append(
            loadBefore > 0.5 || loadAfter > 0.5
                ? " (other work shared the CPU: rough numbers)"
                : "")
        .append('\n');
    out.append("baseline: ").append(baseline).append('\n');
    if (!maxAbsDiff.isEmpty()) {
      out.append("restyle vs baseline on a check image, max abs difference (0-255 scale): ");
      List<String> parts = new ArrayList<>();
      rows.stream()
          .map(Row::network)
          .distinct()
          .filter(maxAbsDiff::containsKey)
          .forEach(n -> parts.add(n + " " + fmt("%.2g", maxAbsDiff.get(n))));
      out.append(String.join(", ", parts)).append('\n');
    }
    out.append(
        "ms/frame: median wall time, RGB bytes in to RGB bytes out; cpu ms: CPU time of all"
            + " threads per frame (less affected by other jobs); restyle/torch: ratio of the wall"
            + " times; FLOPs: convolutions only, counted from the"
            + " architecture (after nearest upsampling, restyle's compiled pass does 16/36 of the"
            + " upsampling layers' as sub-pixel convolutions, the baseline all of them); end-to-end: decode, stylise,"
            + " encode of a synthetic clip through the video pipeline (two predictors sharing the"
            + " threads, as restyle video runs it)\n");
    return out.toString();
  }

  /** Writes the report as JSON. */
  public void writeJson(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(path.toFile(), this);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
