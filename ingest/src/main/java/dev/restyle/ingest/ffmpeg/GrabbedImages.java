package dev.restyle.ingest.ffmpeg;

import java.nio.ByteBuffer;
import org.bytedeco.javacv.Frame;

/** Images as JavaCV's grabber hands them over, copied out of its reused native buffers. */
public final class GrabbedImages {
  private GrabbedImages() {}

  /** Copies the grabber's RGB24 image (rows may be padded) into a packed array. */
  public static byte[] packedRgb(Frame grabbed) {
    int width = grabbed.imageWidth;
    int height = grabbed.imageHeight;
    int row = width * 3;
    byte[] rgb = new byte[row * height];
    ByteBuffer image = ((ByteBuffer) grabbed.image[0]).duplicate();
    int stride = grabbed.imageStride;
    if (stride == row) {
      image.position(0).get(rgb, 0, rgb.length);
    } else {
      for (int y = 0; y < height; y++) {
        image.position(y * stride).get(rgb, y * row, row);
      }
    }
    return rgb;
  }
}
