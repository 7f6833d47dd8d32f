package dev.restyle.cli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws a {@link BenchReport} as a PNG: frames per second (log scale) per frame size, one bar per
 * network, the PyTorch eager baseline as a pale bar beside each, and a line at 24 fps.
 */
public final class BenchPlots {
  private static final Color[] COLOURS = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0xff7f0e),
    new Color(0x8c564b)
  };
  private static final double TARGET_FPS = 24;

  private BenchPlots() {}

  public static void write(BenchReport report, Path png) throws IOException {
    List<FrameSize> sizes = new ArrayList<>();
    List<String> networks = new ArrayList<>();
    for (BenchReport.Row r : report.rows()) {
      if (!Double.isNaN(r.millis())) {
        if (!sizes.contains(r.size())) {
          sizes.add(r.size());
        }
        if (!networks.contains(r.network())) {
          networks.add(r.network());
        }
      }
    }
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException("nothing was timed: no plot");
    }
    double lo = TARGET_FPS;
    double hi = TARGET_FPS;
    for (BenchReport.Row r : report.rows()) {
      for (double fps : new double[] {r.framesPerSecond(), 1000.0 / r.torchMillis()}) {
        if (Double.isFinite(fps) && fps > 0) {
          lo = Math.min(lo, fps);
          hi = Math.max(hi, fps);
        }
      }
    }
    double minLog = Math.floor(Math.log10(lo));
    double maxLog = Math.ceil(Math.log10(hi) + 0.05);

    int w = 1100;
    int h = 560;
    int left = 70;
    int right = 190;
    int top = 50;
    int bottom = 60;
    int plotW = w - left - right;
    int plotH = h - top - bottom;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.setColor(Color.BLACK);
      g.drawString(
          String.format(
              Locale.ROOT,
              "restyle bench: frames per second (log scale), %d threads, CPU peak %.0f GFLOP/s",
              report.threads(),
              report.cpuPeakGflops()),
          left,
          25);
      for (double d = minLog; d <= maxLog; d++) {
        int y = yOf(Math.pow(10, d), minLog, maxLog, top, plotH);
        g.setColor(new Color(0xdddddd));
        g.drawLine(left, y, left + plotW, y);
        g.setColor(Color.DARK_GRAY);
        double tick = Math.pow(10, d);
        g.drawString(
            tick >= 1
                ? String.format(Locale.ROOT, "%.0f", tick)
                : String.format(Locale.ROOT, "%s", (float) tick),
            10,
            y + 5);
      }
      int groupW = plotW / sizes.size();
      int slots = networks.size() * 2;
      int barW = Math.max(3, (groupW - 20) / Math.max(1, slots));
      for (int s = 0; s < sizes.size(); s++) {
        int x0 = left + s * groupW + 10;
        for (int n = 0; n < networks.size(); n++) {
          BenchReport.Row row = find(report, networks.get(n), sizes.get(s));
          if (row == null) {
            continue;
          }
          Color c = COLOURS[n % COLOURS.length];
          bar(g, x0 + 2 * n * barW, barW, row.framesPerSecond(), c, minLog, maxLog, top, plotH);
          if (!Double.isNaN(row.torchMillis())) {
            Color pale =
                new Color(
                    (c.getRed() + 510) / 3, (c.getGreen() + 510) / 3, (c.getBlue() + 510) / 3);
            bar(
                g,
                x0 + (2 * n + 1) * barW,
                barW,
                1000.0 / row.torchMillis(),
                pale,
                minLog,
                maxLog,
                top,
                plotH);
          }
        }
        g.setColor(Color.BLACK);
        g.drawString(sizes.get(s).toString(), x0 + groupW / 2 - 35, top + plotH + 20);
      }
      int target = yOf(TARGET_FPS, minLog, maxLog, top, plotH);
      g.setColor(new Color(0x444444));
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
      g.drawLine(left, target, left + plotW, target);
      g.setStroke(new BasicStroke(1));
      g.drawString("24 fps", left + plotW + 5, target + 5);
      g.setColor(Color.BLACK);
      g.drawRect(left, top, plotW, plotH);
      for (int n = 0; n < networks.size(); n++) {
        Color c = COLOURS[n % COLOURS.length];
        int y = top + 80 + n * 22;
        g.setColor(c);
        g.fillRect(left + plotW + 15, y - 10, 14, 12);
        g.setColor(Color.BLACK);
        g.drawString(networks.get(n), left + plotW + 35, y);
      }
      int y = top + 80 + networks.size() * 22 + 10;
      g.setColor(Color.GRAY);
      g.drawString("pale: PyTorch eager", left + plotW + 15, y);
    } finally {
      g.dispose();
    }
    Path parent = png.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  private static BenchReport.Row find(BenchReport report, String network, FrameSize size) {
    return report.rows().stream()
        .filter(r -> r.network().equals(network) && r.size().equals(size))
        .filter(r -> !Double.isNaN(r.millis()))
        .findFirst()
        .orElse(null);
  }

  private static void bar(
      Graphics2D g,
      int x,
      int width,
      double fps,
      Color colour,
      double minLog,
      double maxLog,
      int top,
      int plotH) {
    int y = yOf(fps, minLog, maxLog, top, plotH);
    g.setColor(colour);
    g.fillRect(x, y, width - 1, top + plotH - y);
  }

  private static int yOf(double fps, double minLog, double maxLog, int top, int plotH) {
    double clamped = Math.max(Math.pow(10, minLog), fps);
    return top + plotH - (int) ((Math.log10(clamped) - minLog) / (maxLog - minLog) * plotH);
  }
}
