package dev.restyle.engine.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.restyle.engine.image.ColourTransfer;
import dev.restyle.engine.image.PackedRgb;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stylises an image of any size a tile at a time, holding only one tile's activations and a band of
 * output rows: the image is read a window at a time from a {@link PixelSource} and written a band
 * of rows at a time to a {@link PixelSink}.
 *
 * <p>Every tile is normalised with statistics of the whole image (see {@link StatisticsEstimator})
 * rather than its own, so all tiles share one tone; windows overlap their neighbours by the
 * network's receptive field, so a core's output is what the whole image's would be there; and the
 * tiles' outputs are cross-faded across each shared edge ({@link Feather}), so no seam shows.
 */
public final class TiledStylizer {
  private static final Logger LOG = LoggerFactory.getLogger(TiledStylizer.class);

  private final StyleNetwork network;
  private final Tiling tiling;

  public TiledStylizer(StyleNetwork network, Tiling tiling) {
    this.network = network;
    this.tiling = tiling;
  }

  public Tiling tiling() {
    return tiling;
  }

  /** The tiling this stylizer would use for an image of the given size. */
  public TileGrid plan(int width, int height) {
    return TileGrid.plan(
        width,
        height,
        tiling.tileSize(),
        tiling.overlapFor(network.architecture()),
        network.architecture());
  }

  /** Stylises an image held in memory into a new one. */
  public BufferedImage stylize(BufferedImage image, StyleOptions options) {
    BufferedImagePixels out = BufferedImagePixels.blank(image.getWidth(), image.getHeight());
    try {
      stylize(BufferedImagePixels.of(image), options, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.image();
  }

  /** Stylises {@code source} into {@code sink}, row band by row band. */
  public void stylize(PixelSource source, StyleOptions options, PixelSink sink) throws IOException {
    long start = System.nanoTime();
    TileGrid grid = plan(source.width(), source.height());
    ImageStatistics statistics =
        new StatisticsEstimator(network)
            .estimate(source, grid, tiling.statisticsPixels(), tiling.exactLayers());
    long statisticsDone = System.nanoTime();
    stylize(source, options, sink, statistics);
    LOG.info(
        "stylised {}x{} in {} tiles of up to {} px: statistics {} ms, tiles {} ms",
        grid.width(),
        grid.height(),
        grid.tileCount(),
        grid.largestWindowPixels(),
        (statisticsDone - start) / 1_000_000,
        (System.nanoTime() - statisticsDone) / 1_000_000);
  }

  /** Stylises with the given whole-image statistics. */
  void stylize(PixelSource source, StyleOptions options, PixelSink sink, ImageStatistics statistics)
      throws IOException {
    TileGrid grid = plan(source.width(), source.height());
    GivenStatistics given = new GivenStatistics(statistics);
    RowBlender blender = new RowBlender(grid.width(), grid.height(), sink);
    int half = blendHalf(grid);
    List<List<Tile>> rows = grid.rows();
    for (int r = 0; r < rows.size(); r++) {
      for (Tile tile : rows.get(r)) {
        runTile(source, tile, grid, half, given, options, blender);
      }
      int finished =
          r + 1 < rows.size()
              ? Feather.start(rows.get(r + 1).getFirst().core().y(), half)
              : grid.height();
      blender.finishRowsBefore(Math.min(finished, grid.height()));
    }
  }

  /** Half the cross-fade band: half the overlap, but no more than half the smallest core. */
  private int blendHalf(TileGrid grid) {
    int smallestCore =
        grid.rows().stream()
            .flatMap(List::stream)
            .mapToInt(t -> Math.min(t.core().width(), t.core().height()))
            .min()
            .orElse(0);
    return Math.min(tiling.overlapFor(network.architecture()) / 2, smallestCore / 2);
  }

  private void runTile(
      PixelSource source,
      Tile tile,
      TileGrid grid,
      int half,
      GivenStatistics given,
      StyleOptions options,
      RowBlender blender)
      throws IOException {
    Region core = tile.core();
    int x0 = Feather.start(core.x(), half);
    int x1 = Feather.end(core.right(), grid.paddedWidth(), grid.width(), half);
    int y0 = Feather.start(core.y(), half);
    int y1 = Feather.end(core.bottom(), grid.paddedHeight(), grid.height(), half);
    if (x1 <= x0 || y1 <= y0) {
      return; // a core wholly in the padding
    }
    Region region = new Region(x0, y0, x1 - x0, y1 - y0);
    Region window = tile.window();
    byte[] pixels = WindowReader.read(source, window);
    float[] planar;
    try (NDManager scope = NDManager.newBaseManager(network.device())) {
      NDArray x = PackedRgb.toTensor(List.of(pixels), window.width(), window.height(), scope);
      NDArray out = network.forward(x, given);
      if (options.preserveColours()) {
        out = ColourTransfer.preserveColours(out, x);
      }
      out = ColourTransfer.blend(out, x, options.strength());
      Region inWindow = region.relativeTo(window);
      planar =
          out.get(
                  new NDIndex(
                      "0, :, {}:{}, {}:{}",
                      inWindow.y(),
                      inWindow.bottom(),
                      inWindow.x(),
                      inWindow.right()))
              .toFloatArray();
    }
    blender.add(
        planar,
        region,
        Feather.weights(x0, x1, core.x(), core.right(), grid.paddedWidth(), half),
        Feather.weights(y0, y1, core.y(), core.bottom(), grid.paddedHeight(), half));
  }
}
