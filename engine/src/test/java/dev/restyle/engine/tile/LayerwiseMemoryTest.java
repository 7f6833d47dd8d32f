package dev.restyle.engine.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 24-megapixel image generated and consumed a band at a time: the process's peak resident memory
 * may grow by no more than a bound independent of the image (whole-image stylisation of this image
 * needs several gigabytes).
 */
@Tag("slow")
class LayerwiseMemoryTest {
  @TempDir Path spills;

  private static final Path STATUS = Path.of("/proc/self/status");

  /** Peak resident memory so far, in bytes (Linux). */
  private static long peakResident() throws IOException {
    for (String line : Files.readAllLines(STATUS)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmHWM in " + STATUS);
  }

  /** Pixels computed from their coordinates, never held. */
  private record Synthetic(int width, int height) implements PixelSource {
    @Override
    public byte[] read(Region r) {
      byte[] out = new byte[Math.toIntExact(r.pixels() * 3)];
      int i = 0;
      for (int y = r.y(); y < r.bottom(); y++) {
        for (int x = r.x(); x < r.right(); x++) {
          out[i++] = (byte) (x * 7 + y);
          out[i++] = (byte) ((x ^ y) * 3);
          out[i++] = (byte) (128 + 100 * Math.sin(x * 0.01 + y * 0.02));
        }
      }
      return out;
    }
  }

  @Test
  void peakMemoryIsBoundedByTheBandNotTheImage() throws IOException {
    assumeTrue(Files.isReadable(STATUS), "needs /proc (Linux)");
    int width = 6000;
    int height = 4000;
    try (StyleNetwork network =
        StyleNetwork.initialise(new Architecture(0.5, 5), Device.cpu(), 1)) {
      long before = peakResident();
      long[] rows = {0};
      new LayerwiseStylizer(network, LayerwiseStylizer.bandValues(512), spills)
          .stylize(
              new Synthetic(width, height),
              StyleOptions.DEFAULT,
              (y, count, rgb) -> {
                assertEquals(rows[0], y);
                assertEquals((long) count * width * 3, rgb.length);
                rows[0] += count;
              });
      assertEquals(height, rows[0]);
      long growth = peakResident() - before;
      assertTrue(growth < 1L << 30, "peak resident memory grew by " + (growth >> 20) + " MiB");
    }
  }
}
