package dev.restyle.engine.network;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Named network shapes, from the paper's full network to the real-time variants. */
public enum NetworkPreset {
  /** Johnson et al.'s network. */
  FULL(Architecture.JOHNSON, "Johnson et al. 2016, as published"),
  /** Half the channels: what the first bundled styles were trained with. */
  HALF(new Architecture(0.5, 5), "half the channels"),
  /** Half the channels, three residual blocks, run at half resolution with 5x5 edge layers. */
  FAST(new Architecture(0.5, 3, 2, 5, false), "width 0.5, 3 blocks, half resolution, 5x5 edges"),
  /** A quarter of the channels, separable blocks, half resolution: real time at 640x480. */
  FASTER(
      new Architecture(0.25, 3, 2, 5, true),
      "width 0.25, 3 separable blocks, half resolution, 5x5 edges");

  private final Architecture architecture;
  private final String description;

  NetworkPreset(Architecture architecture, String description) {
    this.architecture = architecture;
    this.description = description;
  }

  public Architecture architecture() {
    return architecture;
  }

  public String description() {
    return description;
  }

  /** The preset's name as users type it (lower case). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The preset of that name.
   *
   * @throws IllegalArgumentException naming the presets there are
   */
  public static NetworkPreset of(String id) {
    for (NetworkPreset p : values()) {
      if (p.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown network '" + id + "'; one of " + ids());
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(NetworkPreset::id).toList();
  }
}
