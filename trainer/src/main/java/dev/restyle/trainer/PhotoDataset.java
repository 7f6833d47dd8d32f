package dev.restyle.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.ImageTensors;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training photos, decoded once and kept in memory, served as batches of random square crops
 * with random horizontal flips. Photos smaller than a crop are scaled up to cover it; files that do
 * not decode are skipped, counted and logged. The last photos of the folder in name order can be
 * held out (see {@link PhotoSplit}): they are never decoded here, so never trained on.
 */
public final class PhotoDataset {
  private static final Logger LOG = LoggerFactory.getLogger(PhotoDataset.class);

  private final List<BufferedImage> photos;
  private final int skipped;
  private final int heldOut;

  private PhotoDataset(List<BufferedImage> photos, int skipped, int heldOut) {
    this.photos = photos;
    this.skipped = skipped;
    this.heldOut = heldOut;
  }

  /** Decodes every JPEG and PNG in {@code folder} (not recursive), in name order. */
  public static PhotoDataset load(Path folder, int cropSize) throws IOException {
    return load(folder, cropSize, 0);
  }

  /**
   * Decodes the JPEGs and PNGs in {@code folder} (not recursive) in name order, all but the last
   * {@code holdout}.
   *
   * @throws IOException if the folder cannot be listed, the hold-out leaves no photo to train on,
   *     or none of the training photos decodes
   */
  public static PhotoDataset load(Path folder, int cropSize, int holdout) throws IOException {
    PhotoSplit split = PhotoSplit.of(folder, holdout);
    List<BufferedImage> photos = new ArrayList<>();
    int skipped = 0;
    for (Path file : split.training()) {
      try {
        photos.add(coverSquare(ImageFiles.read(file), cropSize));
      } catch (IOException e) {
        skipped++;
        LOG.warn("skipping training photo: {}", e.getMessage());
      }
    }
    if (photos.isEmpty()) {
      throw new IOException("no readable JPEG or PNG photos in " + folder);
    }
    LOG.info(
        "training on {} photos, {} held out ({} unreadable skipped) from {}",
        photos.size(),
        split.heldOut().size(),
        skipped,
        folder);
    return new PhotoDataset(photos, skipped, split.heldOut().size());
  }

  /** Scales an image up (never down) so that both sides are at least {@code size}. */
  static BufferedImage coverSquare(BufferedImage image, int size) {
    int w = image.getWidth();
    int h = image.getHeight();
    if (w >= size && h >= size) {
      return ImageTensors.asThreeByteBgr(image);
    }
    double scale = (double) size / Math.min(w, h);
    int nw = Math.max(size, (int) Math.ceil(w * scale));
    int nh = Math.max(size, (int) Math.ceil(h * scale));
    BufferedImage out = new BufferedImage(nw, nh, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(image, 0, 0, nw, nh, null);
    g.dispose();
    return out;
  }

  public int size() {
    return photos.size();
  }

  public int skipped() {
    return skipped;
  }

  /** Photos of the folder kept out of training. */
  public int heldOut() {
    return heldOut;
  }

  /** A photo, for previews. */
  public BufferedImage photo(int index) {
    return photos.get(index);
  }

  /** A batch (N, 3, crop, crop) of random crops, in [0, 255]. */
  public NDArray batch(NDManager manager, Random random, int batchSize, int cropSize) {
    NDList crops = new NDList(batchSize);
    for (int i = 0; i < batchSize; i++) {
      BufferedImage photo = photos.get(random.nextInt(photos.size()));
      int x = random.nextInt(photo.getWidth() - cropSize + 1);
      int y = random.nextInt(photo.getHeight() - cropSize + 1);
      NDArray crop = ImageTensors.toTensor(photo.getSubimage(x, y, cropSize, cropSize), manager);
      crops.add(random.nextBoolean() ? crop.flip(2) : crop);
    }
    return NDArrays.stack(crops);
  }
}
