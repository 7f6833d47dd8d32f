package dev.restyle.trainer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The loss history of a run: appended to a CSV as it goes, and drawn as a PNG plot (log scale, one
 * line per term) on demand. On resume the CSV is read back so the plot covers the whole run.
 */
public final class LossLog implements AutoCloseable {
  static final String HEADER = "step,total,content,style,tv,images_per_second,elapsed_seconds";
  private static final String[] TERMS = {"total", "content", "style", "tv"};
  private static final Color[] COLOURS = {
    new Color(0x222222), new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)
  };

  /** One row of the log. */
  public record Row(
      long step,
      double total,
      double content,
      double style,
      double tv,
      double imagesPerSecond,
      double elapsedSeconds) {
    double term(int i) {
      return switch (i) {
        case 0 -> total;
        case 1 -> content;
        case 2 -> style;
        default -> tv;
      };
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final BufferedWriter csv;

  /** Opens the log, keeping the rows of earlier steps up to {@code resumeStep}. */
  public LossLog(Path csvPath, long resumeStep) throws IOException {
    if (resumeStep > 0 && Files.exists(csvPath)) {
      for (String line : Files.readAllLines(csvPath)) {
        if (!line.isBlank() && !line.startsWith("step")) {
          Row row = parse(line);
          if (row.step() <= resumeStep) {
            rows.add(row);
          }
        }
      }
    }
    csv =
        Files.newBufferedWriter(
            csvPath, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    csv.write(HEADER);
    csv.newLine();
    for (Row row : rows) {
      write(row);
    }
    csv.flush();
  }

  private static Row parse(String line) {
    String[] f = line.split(",");
    return new Row(
        Long.parseLong(f[0]),
        Double.parseDouble(f[1]),
        Double.parseDouble(f[2]),
        Double.parseDouble(f[3]),
        Double.parseDouble(f[4]),
        Double.parseDouble(f[5]),
        Double.parseDouble(f[6]));
  }

  public void add(Row row) throws IOException {
    rows.add(row);
    write(row);
    csv.flush();
  }

  private void write(Row r) throws IOException {
    csv.write(
        String.format(
            Locale.ROOT,
            "%d,%.6g,%.6g,%.6g,%.6g,%.3f,%.1f",
            r.step(),
            r.total(),
            r.content(),
            r.style(),
            r.tv(),
            r.imagesPerSecond(),
            r.elapsedSeconds()));
    csv.newLine();
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Draws the losses against the step, log-scaled, to a PNG. */
  public void plot(Path png, String title) throws IOException {
    int w = 900;
    int h = 500;
    int left = 80;
    int right = 140;
    int top = 40;
    int bottom = 50;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, left, 25);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    if (rows.size() >= 2) {
      double minLog = Double.MAX_VALUE;
      double maxLog = -Double.MAX_VALUE;
      for (Row r : rows) {
        for (int t = 0; t < TERMS.length; t++) {
          if (r.term(t) > 0) {
            minLog = Math.min(minLog, Math.log10(r.term(t)));
            maxLog = Math.max(maxLog, Math.log10(r.term(t)));
          }
        }
      }
      minLog = Math.floor(minLog);
      maxLog = Math.ceil(Math.max(maxLog, minLog + 1));
      long firstStep = rows.get(0).step();
      long lastStep = Math.max(firstStep + 1, rows.get(rows.size() - 1).step());
      int plotW = w - left - right;
      int plotH = h - top - bottom;
      g.setColor(new Color(0xdddddd));
      for (int d = (int) minLog; d <= maxLog; d++) {
        int y = top + plotH - (int) ((d - minLog) / (maxLog - minLog) * plotH);
        g.drawLine(left, y, left + plotW, y);
        g.setColor(Color.DARK_GRAY);
        g.drawString("1e" + d, 10, y + 4);
        g.setColor(new Color(0xdddddd));
      }
      g.setColor(Color.BLACK);
      g.drawRect(left, top, plotW, plotH);
      g.drawString("step " + firstStep, left, h - 20);
      g.drawString("step " + lastStep, left + plotW - 70, h - 20);
      g.setStroke(new BasicStroke(1.6f));
      for (int t = 0; t < TERMS.length; t++) {
        g.setColor(COLOURS[t]);
        int px = -1;
        int py = -1;
        for (Row r : rows) {
          if (r.term(t) <= 0) {
            continue;
          }
          int x = left + (int) ((double) (r.step() - firstStep) / (lastStep - firstStep) * plotW);
          int y =
              top + plotH - (int) ((Math.log10(r.term(t)) - minLog) / (maxLog - minLog) * plotH);
          if (px >= 0) {
            g.drawLine(px, py, x, y);
          }
          px = x;
          py = y;
        }
        g.fillRect(left + plotW + 15, top + 10 + t * 22, 14, 4);
        g.drawString(TERMS[t], left + plotW + 35, top + 16 + t * 22);
      }
    }
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }
}
