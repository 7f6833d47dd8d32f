package dev.restyle.engine.network;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a style network's two upsampling stages double the resolution before their 3x3 convolution.
 *
 * <p>{@link #NEAREST} is Johnson et al.'s: every pixel repeated 2x2, then reflection padding. Two
 * such stages give the network a stride-4 grid that it paints as a fine period-4 crosshatch locked
 * to output coordinates (docs/training.md measures it). {@link #BILINEAR} interpolates instead
 * (PyTorch's bilinear without aligned corners) and pads by replication, which is the same as
 * interpolating the low-resolution image replication-padded by one: both stages can then still run
 * as one convolution per output phase at the low resolution.
 */
public enum Upsampling {
  NEAREST,
  BILINEAR;

  /** The name as configs and network files spell it (lower case). */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The mode of that name.
   *
   * @throws IllegalArgumentException naming the modes there are
   */
  @JsonCreator
  public static Upsampling of(String id) {
    for (Upsampling u : values()) {
      if (u.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
        return u;
      }
    }
    throw new IllegalArgumentException("upsampling must be one of " + ids() + ", got '" + id + "'");
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(Upsampling::id).toList();
  }
}
