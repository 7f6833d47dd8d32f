package dev.restyle.engine.loss;

import java.util.Arrays;
import java.util.Locale;

/** How a style layer's features are compared with the style image's. */
public enum StyleLoss {
  /**
   * Channel means and the Gram matrix of the centred features (second-order statistics, Gatys et
   * al. 2016). Matched easily by images that share only the style's palette and fine strokes.
   */
  GRAM("gram"),

  /**
   * Gram matrices of the features as they are, not centred (Gatys et al. 2016, Johnson et al.
   * 2016): the published loss for ImageNet-trained networks, whose sparse activations make the
   * means part of the texture.
   */
  PLAIN_GRAM("plain-gram"),

  /**
   * Sliced Wasserstein distance between the feature distributions (Heitz et al. 2021, "A Sliced
   * Wasserstein Loss for Neural Texture Synthesis"): features are projected on random directions,
   * sorted and compared value by value, so every marginal along those directions must match, not
   * just its first two moments.
   */
  SLICED_WASSERSTEIN("sliced-wasserstein"),

  /**
   * {@link #SLICED_WASSERSTEIN} on every layer, plus nearest-neighbour matching (the MRF loss of Li
   * and Wand 2016) on the coarser half of the layers: every coarse feature pixel must look like
   * some pixel of the style image's, which asks for the style's shapes, not only its statistics.
   */
  MRF("mrf");

  private final String id;

  StyleLoss(String id) {
    this.id = id;
  }

  /** Whether style is compared by Gram matrices ({@link #GRAM} or {@link #PLAIN_GRAM}). */
  public boolean isGram() {
    return this == GRAM || this == PLAIN_GRAM;
  }

  /** The name used in configs and on the command line. */
  public String id() {
    return id;
  }

  /** Parses {@link #id()}; a clear error names the choices. */
  public static StyleLoss parse(String id) {
    return Arrays.stream(values())
        .filter(s -> s.id.equals(id.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown style loss '"
                        + id
                        + "'; choose one of "
                        + Arrays.stream(values()).map(StyleLoss::id).toList()));
  }

  @Override
  public String toString() {
    return id;
  }
}
