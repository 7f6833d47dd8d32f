package dev.restyle.engine.weights;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * torchvision's official VGG-16 ImageNet weights ({@code torchvision.models.vgg16(weights=
 * "IMAGENET1K_V1")}), a legacy-format state dict of about 528 MB.
 */
public final class Vgg16Weights {
  public static final String FILE_NAME = "vgg16-397923af.pth";
  public static final URI URL = URI.create("https://download.pytorch.org/models/" + FILE_NAME);
  public static final String SHA256_PREFIX = "397923af";

  /** The official file. */
  public static final WeightsSource OFFICIAL =
      new WeightsSource(
          "torchvision's VGG-16 ImageNet weights",
          URL,
          FILE_NAME,
          SHA256_PREFIX,
          "--vgg-weights PATH, or vggWeights in a training config");

  private Vgg16Weights() {}

  /**
   * Finds the official file with the {@linkplain WeightsResolver#standard() standard} locations.
   *
   * @param explicit a path given by the user, or null to search the caches
   * @param allowDownload whether a missing file may be downloaded
   */
  public static Path resolve(Path explicit, boolean allowDownload) throws IOException {
    return WeightsResolver.standard().resolve(OFFICIAL, explicit, allowDownload);
  }

  /** As {@link #resolve(Path, boolean)}, downloading unless {@link WeightsResolver#offline()}. */
  public static Path resolve(Path explicit) throws IOException {
    return resolve(explicit, !WeightsResolver.offline());
  }
}
