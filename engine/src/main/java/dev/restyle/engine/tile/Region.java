package dev.restyle.engine.tile;

/**
 * A rectangle of pixels: columns {@code x} to {@code right() - 1}, rows {@code y} to {@code
 * bottom() - 1}.
 */
public record Region(int x, int y, int width, int height) {
  public Region {
    if (x < 0 || y < 0 || width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "a region needs a non-negative corner and a positive size, got "
              + width
              + "x"
              + height
              + " at ("
              + x
              + ", "
              + y
              + ")");
    }
  }

  public int right() {
    return x + width;
  }

  public int bottom() {
    return y + height;
  }

  public long pixels() {
    return (long) width * height;
  }

  /** This region in the coordinates of a region that contains it. */
  public Region relativeTo(Region outer) {
    return new Region(x - outer.x, y - outer.y, width, height);
  }

  @Override
  public String toString() {
    return width + "x" + height + "+" + x + "+" + y;
  }
}
