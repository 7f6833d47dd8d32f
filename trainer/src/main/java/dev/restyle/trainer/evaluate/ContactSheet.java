package dev.restyle.trainer.evaluate;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A side-by-side sheet drawn with Java2D: one row per photo (the photo, then each network's result
 * on it), a label over every column and the photo's name under its row's first cell. Cells are
 * scaled to a common height; rows are added one at a time, so a sheet can be filled while an
 * evaluation runs.
 */
public final class ContactSheet {
  private static final int MARGIN = 8;
  private static final Color BACKGROUND = new Color(24, 24, 24);
  private static final Color TEXT = new Color(235, 235, 235);

  private final List<String> columns;
  private final int cellHeight;
  private final int maxRows;
  private final List<Row> rows = new ArrayList<>();

  private record Row(String name, List<BufferedImage> cells) {}

  /**
   * @param columns the column labels: the photo's, then each network's
   * @param cellHeight height every image is scaled to
   * @param maxRows rows kept; later ones are ignored
   */
  public ContactSheet(List<String> columns, int cellHeight, int maxRows) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a sheet needs at least one column");
    }
    if (cellHeight < 16 || maxRows < 1) {
      throw new IllegalArgumentException(
          "cell height must be at least 16 and rows at least 1, got "
              + cellHeight
              + " and "
              + maxRows);
    }
    this.columns = List.copyOf(columns);
    this.cellHeight = cellHeight;
    this.maxRows = maxRows;
  }

  /** Adds a row; its images must be one per column. Rows past the maximum are ignored. */
  public void add(String name, List<BufferedImage> cells) {
    if (cells.size() != columns.size()) {
      throw new IllegalArgumentException(
          "a row needs " + columns.size() + " images, got " + cells.size());
    }
    if (rows.size() < maxRows) {
      rows.add(new Row(name, List.copyOf(cells)));
    }
  }

  public int rows() {
    return rows.size();
  }

  /** The sheet as an image. */
  public BufferedImage render() {
    if (rows.isEmpty()) {
      throw new IllegalStateException("the sheet has no rows");
    }
    // Column widths: the widest scaled image of each column.
    int[] widths = new int[columns.size()];
    for (Row row : rows) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], scaledWidth(row.cells().get(c)));
      }
    }
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, cellHeight / 16));
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    FontMetrics metrics = pg.getFontMetrics(font);
    pg.dispose();
    int line = metrics.getHeight();
    int rowHeight = cellHeight + line + MARGIN;
    int width = MARGIN;
    for (int w : widths) {
      width += w + MARGIN;
    }
    int height = MARGIN + line + MARGIN + rows.size() * rowHeight;
    BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(BACKGROUND);
      g.fillRect(0, 0, width, height);
      g.setFont(font);
      g.setColor(TEXT);
      int x = MARGIN;
      for (int c = 0; c < widths.length; c++) {
        g.drawString(fitted(columns.get(c), widths[c], metrics), x, MARGIN + metrics.getAscent());
        x += widths[c] + MARGIN;
      }
      int y = MARGIN + line + MARGIN;
      for (Row row : rows) {
        x = MARGIN;
        for (int c = 0; c < widths.length; c++) {
          BufferedImage image = row.cells().get(c);
          g.drawImage(image, x, y, scaledWidth(image), cellHeight, null);
          x += widths[c] + MARGIN;
        }
        g.setColor(TEXT);
        g.drawString(
            fitted(row.name(), widths[0], metrics), MARGIN, y + cellHeight + metrics.getAscent());
        y += rowHeight;
      }
    } finally {
      g.dispose();
    }
    return sheet;
  }

  private int scaledWidth(BufferedImage image) {
    return Math.max(
        1, (int) Math.round((double) image.getWidth() * cellHeight / image.getHeight()));
  }

  /** The text, shortened with an ellipsis to fit {@code width} pixels. */
  private static String fitted(String text, int width, FontMetrics metrics) {
    if (metrics.stringWidth(text) <= width) {
      return text;
    }
    String s = text;
    while (!s.isEmpty() && metrics.stringWidth(s + "...") > width) {
      s = s.substring(0, s.length() - 1);
    }
    return s + "...";
  }
}
