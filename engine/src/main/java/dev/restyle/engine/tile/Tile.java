package dev.restyle.engine.tile;

/**
 * One tile of a tiling: its {@code core}, the part of the image it is responsible for, and its
 * {@code window}, the core grown by the overlap on every side that is not the image's edge, which
 * the network runs on. Both are in the coordinates of the image padded to the network's side
 * multiple.
 */
public record Tile(Region core, Region window) {
  public Tile {
    if (core.x() < window.x()
        || core.y() < window.y()
        || core.right() > window.right()
        || core.bottom() > window.bottom()) {
      throw new IllegalArgumentException("core " + core + " is not inside window " + window);
    }
  }

  /** The core in the window's coordinates. */
  public Region coreInWindow() {
    return core.relativeTo(window);
  }
}
