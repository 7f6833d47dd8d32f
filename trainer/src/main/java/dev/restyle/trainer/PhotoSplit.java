package dev.restyle.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A photos folder split into training and held-out photos: the JPEG and PNG files (not recursive)
 * in name order, the last {@code holdout} of them held out. The split depends on file names only,
 * so training and evaluation agree on it without decoding anything.
 *
 * @param training photos to train on
 * @param heldOut photos never trained on, for evaluation
 */
public record PhotoSplit(List<Path> training, List<Path> heldOut) {

  public PhotoSplit {
    training = List.copyOf(training);
    heldOut = List.copyOf(heldOut);
  }

  /**
   * @throws IOException if the folder cannot be listed, or holding out {@code holdout} photos
   *     leaves none to train on
   * @throws IllegalArgumentException if {@code holdout} is negative
   */
  public static PhotoSplit of(Path folder, int holdout) throws IOException {
    if (holdout < 0) {
      throw new IllegalArgumentException("holdout must be zero or more photos, got " + holdout);
    }
    List<Path> files = images(folder);
    if (files.isEmpty()) {
      throw new IOException("no JPEG or PNG photos in " + folder);
    }
    if (holdout >= files.size()) {
      throw new IOException(
          ("holding out %d photos leaves none to train on: %s has %d JPEG or PNG files;"
                  + " hold out fewer (holdout, --holdout)")
              .formatted(holdout, folder, files.size()));
    }
    int cut = files.size() - holdout;
    return new PhotoSplit(files.subList(0, cut), files.subList(cut, files.size()));
  }

  /** The JPEG and PNG files of a folder (not recursive), in name order. */
  public static List<Path> images(Path folder) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(PhotoSplit::isImageName).sorted().toList();
    }
  }

  private static boolean isImageName(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }
}
