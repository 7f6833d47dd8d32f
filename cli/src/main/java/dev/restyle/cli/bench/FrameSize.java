package dev.restyle.cli.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A frame size, written {@code WIDTHxHEIGHT}.
 *
 * @param width pixels across
 * @param height pixels down
 */
public record FrameSize(int width, int height) {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

  public FrameSize {
    if (width < 16 || height < 16 || width > 8192 || height > 8192) {
      throw new IllegalArgumentException(
          "frame sides must be between 16 and 8192 pixels, got " + width + "x" + height);
    }
  }

  /** Parses {@code 640x480}. */
  public static FrameSize parse(String text) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("a frame size is WIDTHxHEIGHT, e.g. 640x480, got " + text);
    }
    return new FrameSize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  public long pixels() {
    return (long) width * height;
  }

  @Override
  public String toString() {
    return width + "x" + height;
  }
}
