package dev.restyle.ingest.kafka;

import java.util.Locale;

/** How a frame's pixels are stored in a record's value. */
public enum FrameEncoding {
  /** A JPEG file. */
  JPEG("jpeg"),
  /** A PNG file. */
  PNG("png"),
  /** Packed 8-bit RGB, row-major, no padding: exactly {@code width * height * 3} bytes. */
  RGB("rgb");

  private final String header;

  FrameEncoding(String header) {
    this.header = header;
  }

  /** The value of the {@value FrameHeaders#ENCODING} header. */
  public String header() {
    return header;
  }

  /**
   * The encoding a header or option names ({@code jpeg}, {@code jpg}, {@code png}, {@code rgb} or
   * {@code raw}, any case).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static FrameEncoding parse(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "jpeg", "jpg" -> {
        return JPEG;
      }
      case "png" -> {
        return PNG;
      }
      case "rgb", "raw" -> {
        return RGB;
      }
      default ->
          throw new IllegalArgumentException(
              "unknown frame encoding '" + name + "' (use jpeg, png or rgb)");
    }
  }
}
