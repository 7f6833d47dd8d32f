package dev.restyle.engine.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** High-quality resizing of whole images. */
public final class Resize {
  private Resize() {}

  /** Scales so that the longer side is {@code size} (up or down), keeping the aspect ratio. */
  public static BufferedImage longerSide(BufferedImage image, int size) {
    int w = image.getWidth();
    int h = image.getHeight();
    double scale = (double) size / Math.max(w, h);
    if (scale == 1.0) {
      return ImageTensors.asThreeByteBgr(image);
    }
    return to(
        image, Math.max(1, (int) Math.round(w * scale)), Math.max(1, (int) Math.round(h * scale)));
  }

  /** Scales to exactly {@code width} x {@code height}; shrinking steps down by halves. */
  public static BufferedImage to(BufferedImage image, int width, int height) {
    BufferedImage current = ImageTensors.asThreeByteBgr(image);
    int w = current.getWidth();
    int h = current.getHeight();
    while (w / 2 >= width && h / 2 >= height) {
      w /= 2;
      h /= 2;
      current = draw(current, w, h);
    }
    return draw(current, width, height);
  }

  private static BufferedImage draw(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    return out;
  }
}
