package dev.restyle.trainer.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.restyle.engine.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContactSheetTest {
  @Test
  void drawsEveryImageScaledToTheCellHeightInItsColumn() {
    ContactSheet sheet = new ContactSheet(List.of("photo", "a", "b"), 40, 2);
    BufferedImage red = TestImages.solid(80, 40, Color.RED);
    BufferedImage green = TestImages.solid(40, 20, Color.GREEN);
    BufferedImage blue = TestImages.solid(80, 40, Color.BLUE);
    sheet.add("one.jpg", List.of(red, green, blue));
    sheet.add("two.jpg", List.of(blue, red, green));
    sheet.add("three.jpg", List.of(red, red, red));
    assertEquals(2, sheet.rows(), "rows past the maximum are ignored");

    BufferedImage image = sheet.render();
    // Three columns 80 px wide (green scaled from 40x20 to 80x40) with 8 px margins.
    assertEquals(8 + 3 * (80 + 8), image.getWidth());
    // Down the middle of each column: the row images in order, each 40 px tall.
    assertEquals(List.of(Color.RED, Color.BLUE), runsDown(image, 8 + 40));
    assertEquals(List.of(Color.GREEN, Color.RED), runsDown(image, 8 + 88 + 40));
    assertEquals(List.of(Color.BLUE, Color.GREEN), runsDown(image, 8 + 2 * 88 + 40));
  }

  @Test
  void rowsMustHaveAnImagePerColumn() {
    ContactSheet sheet = new ContactSheet(List.of("photo", "a"), 40, 2);
    BufferedImage red = TestImages.solid(80, 40, Color.RED);
    assertThrows(IllegalArgumentException.class, () -> sheet.add("x", List.of(red)));
    assertThrows(IllegalStateException.class, sheet::render);
    assertThrows(IllegalArgumentException.class, () -> new ContactSheet(List.of(), 40, 2));
  }

  /**
   * The pure colours met going down column {@code x}, one entry per run of 40 pixels (the cell
   * height); other pixels (background, text) end a run.
   */
  private static List<Color> runsDown(BufferedImage image, int x) {
    List<Color> runs = new ArrayList<>();
    Color current = null;
    int length = 0;
    for (int y = 0; y <= image.getHeight(); y++) {
      Color c = y < image.getHeight() ? pure(TestImages.rgb(image, x, y)) : null;
      if (c != null && c.equals(current)) {
        length++;
        continue;
      }
      if (current != null) {
        assertEquals(40, length, "a cell is 40 px tall");
        runs.add(current);
      }
      current = c;
      length = 1;
    }
    return runs;
  }

  private static Color pure(int[] rgb) {
    for (Color c : List.of(Color.RED, Color.GREEN, Color.BLUE)) {
      if (Math.abs(rgb[0] - c.getRed()) < 10
          && Math.abs(rgb[1] - c.getGreen()) < 10
          && Math.abs(rgb[2] - c.getBlue()) < 10) {
        return c;
      }
    }
    return null;
  }
}
