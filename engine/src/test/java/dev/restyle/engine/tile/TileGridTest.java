package dev.restyle.engine.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.network.Architecture;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TileGridTest {
  @ParameterizedTest(name = "{0}x{1} in {2} with {3} overlap, downscale {4}")
  @CsvSource({
    "6000, 4000, 1024, 64, 1",
    "1, 1, 32, 64, 1",
    "5, 3000, 256, 64, 1",
    "1001, 999, 100, 30, 2",
    "517, 260, 64, 128, 4"
  })
  void coresPartitionTheImageAndWindowsAlign(
      int width, int height, int tile, int overlap, int downscale) {
    Architecture a = new Architecture(0.5, 5, downscale, 9, false);
    TileGrid grid = TileGrid.plan(width, height, tile, overlap, a);
    int multiple = a.sideMultiple();
    long covered = 0;
    for (List<Tile> row : grid.rows()) {
      int y = row.getFirst().core().y();
      int x = 0;
      for (Tile t : row) {
        assertEquals(x, t.core().x(), "cores abut");
        assertEquals(y, t.core().y(), "a row shares its top");
        x = t.core().right();
        covered += t.core().pixels();
        for (int edge :
            new int[] {t.window().x(), t.window().y(), t.window().right(), t.window().bottom()}) {
          assertEquals(0, edge % multiple, "window edges on the network's grid: " + t);
        }
        assertTrue(t.window().width() >= a.minimumSide(), t.toString());
        assertTrue(t.window().height() >= a.minimumSide(), t.toString());
        int reach = (overlap + multiple - 1) / multiple * multiple;
        if (t.core().x() > 0) {
          assertTrue(t.core().x() - t.window().x() >= Math.min(reach, t.core().x()), t.toString());
        }
      }
      assertEquals(grid.paddedWidth(), x);
    }
    assertEquals((long) grid.paddedWidth() * grid.paddedHeight(), covered);
    assertTrue(grid.paddedWidth() >= width && grid.paddedWidth() % multiple == 0);
  }
}
