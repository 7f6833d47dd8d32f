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
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
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
  void theLastPhotosInNameOrderAreHeldOut() throws IOException {
    // Widths tell the photos apart: p0 is 40 px wide, p4 44 px.
    for (int i = 4; i >= 0; i--) {
      TestImages.write(TestImages.photo(40 + i, 30, i), dir.resolve("p" + i + ".png"));
    }
    Files.writeString(dir.resolve("notes.txt"), "not a photo, not counted");
    PhotoSplit split = PhotoSplit.of(dir, 2);
    assertEquals(
        List.of(dir.resolve("p0.png"), dir.resolve("p1.png"), dir.resolve("p2.png")),
        split.training());
    assertEquals(List.of(dir.resolve("p3.png"), dir.resolve("p4.png")), split.heldOut());

    PhotoDataset dataset = PhotoDataset.load(dir, 16, 2);
    assertEquals(3, dataset.size());
    assertEquals(2, dataset.heldOut());
    Set<Integer> widths = new HashSet<>();
    for (int i = 0; i < dataset.size(); i++) {
      widths.add(dataset.photo(i).getWidth());
    }
    assertEquals(Set.of(40, 41, 42), widths, "held-out photos are never loaded");
    assertEquals(5, PhotoDataset.load(dir, 16, 0).size(), "holdout 0 trains on every photo");
  }

  @Test
  void holdingOutEveryPhotoIsAClearError() throws IOException {
    TestImages.write(TestImages.photo(40, 30, 1), dir.resolve("a.png"));
    TestImages.write(TestImages.photo(40, 30, 2), dir.resolve("b.png"));
    IOException e = assertThrows(IOException.class, () -> PhotoDataset.load(dir, 16, 2));
    assertTrue(e.getMessage().contains("holding out 2 photos leaves none"), e.getMessage());
    assertTrue(e.getMessage().contains("has 2 JPEG or PNG files"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PhotoSplit.of(dir, -1));
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
