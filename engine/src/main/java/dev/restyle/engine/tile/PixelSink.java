package dev.restyle.engine.tile;

import java.io.IOException;

/**
 * Where tiled stylisation writes its result: whole rows, top to bottom, each row exactly once, so
 * that an encoder can stream them out.
 */
public interface PixelSink {
  /**
   * Takes the next rows.
   *
   * @param y the first row's index: the row after the last one written
   * @param rows how many rows
   * @param rgb packed RGB, {@code rows * width * 3} bytes
   */
  void write(int y, int rows, byte[] rgb) throws IOException;
}
