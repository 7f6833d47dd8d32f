package dev.restyle.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhotoDatasetTest {
  @TempDir Path dir;

  @Test
  void unreadablePhotosAreSkippedAndOtherFilesIgnored() throws IOException {
    TestImages.write(TestImages.photo(40, 30, 1), dir.resolve("a.png"));
    TestImages.write(TestImages.photo(30, 40, 2), dir.resolve("b.JPG"));
    Files.writeString(dir.resolve("c.jpg"), "not a photo");
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    PhotoDataset dataset = PhotoDataset.load(dir, 16);
    assertEquals(2, dataset.size());
    assertEquals(1, dataset.skipped());
    assertEquals(40, dataset.photo(0).getWidth(), "photos in name order");
  }

  @Test
  void smallPhotosAreScaledUpToCoverACrop() throws IOException {
    TestImages.write(TestImages.photo(20, 10, 3), dir.resolve("small.png"));
    PhotoDataset dataset = PhotoDataset.load(dir, 32);
    assertEquals(64, dataset.photo(0).getWidth());
    assertEquals(32, dataset.photo(0).getHeight());
  }

  @Test
  void folderWithoutPhotosIsAnError() throws IOException {
    Files.writeString(dir.resolve("broken.png"), "no");
    IOException e = assertThrows(IOException.class, () -> PhotoDataset.load(dir, 16));
    assertTrue(e.getMessage().contains("no readable"), e.getMessage());
  }

  @Test
  void batchesAreDeterministicCropsInRange() throws IOException {
    for (int i = 0; i < 3; i++) {
      TestImages.write(TestImages.photo(48, 40, i), dir.resolve("p" + i + ".png"));
    }
    PhotoDataset dataset = PhotoDataset.load(dir, 24);
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray a = dataset.batch(m, new Random(5), 4, 24);
      NDArray b = dataset.batch(m, new Random(5), 4, 24);
      assertEquals(new Shape(4, 3, 24, 24), a.getShape());
      assertEquals(0, a.sub(b).abs().max().getFloat(), "same seed, same batch");
      assertTrue(a.min().getFloat() >= 0 && a.max().getFloat() <= 255);
      assertTrue(a.max().getFloat() > a.min().getFloat(), "real image content");
    }
  }
}
