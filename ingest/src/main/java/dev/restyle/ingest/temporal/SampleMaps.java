package dev.restyle.ingest.temporal;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.transform;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The sampling maps that OpenCV's {@code remap} takes for warping along a flow: for each pixel
 * {@code (x, y)}, the point {@code (x + u, y + v)} where it is found in the other frame. All in
 * native code; the pixel grid is kept for the last size asked. Not thread-safe.
 */
final class SampleMaps implements AutoCloseable {
  private final Mat grid = new Mat();
  private final Mat offsets = new Mat();
  private final Mat scaled = new Mat();
  private final Mat scale = new Mat(2, 2, CV_32FC1);

  /**
   * The offsets of a {@code CV_32FC2} flow at {@code width x height}, for {@code remap} with {@code
   * WARP_RELATIVE_MAP}, into {@code into}: the flow scaled at its own size, then resized bilinearly
   * (cheaper than the other way round, and the same, both being linear).
   */
  Mat offsets(Mat flow, int width, int height, Mat into) {
    checkType(flow);
    try (Size size = new Size(width, height)) {
      resize(scaled(flow, width, height), into, size, 0, 0, INTER_LINEAR);
    }
    return into;
  }

  /**
   * The map of a {@code CV_32FC2} flow, at {@code width x height}, into {@code into}. The flow may
   * be smaller than the map (computed at a lower resolution): it is then resized bilinearly (pixel
   * centres aligned, edges replicated) and its offsets scaled up to the map's pixels.
   */
  Mat of(Mat flow, int width, int height, Mat into) {
    checkType(flow);
    Mat pixels = grid(width, height);
    if (flow.cols() == width && flow.rows() == height) {
      add(flow, pixels, into);
      return into;
    }
    add(offsets(flow, width, height, offsets), pixels, into);
    return into;
  }

  private static void checkType(Mat flow) {
    if (flow.type() != CV_32FC2) {
      throw new IllegalArgumentException("expected a CV_32FC2 flow, got type " + flow.type());
    }
  }

  /** The flow's offsets in pixels of a {@code width x height} frame. */
  private Mat scaled(Mat flow, int width, int height) {
    ((FloatBuffer) scale.createBuffer())
        .put(new float[] {width / (float) flow.cols(), 0, 0, height / (float) flow.rows()});
    transform(flow, scaled, scale);
    return scaled;
  }

  /** {@code (x, y)} at every pixel. */
  private Mat grid(int width, int height) {
    if (grid.cols() == width && grid.rows() == height) {
      return grid;
    }
    float[] xy = new float[2 * width * height];
    for (int y = 0, i = 0; y < height; y++) {
      for (int x = 0; x < width; x++, i += 2) {
        xy[i] = x;
        xy[i + 1] = y;
      }
    }
    grid.create(height, width, CV_32FC2);
    ((FloatBuffer) grid.createBuffer()).put(xy);
    return grid;
  }

  @Override
  public void close() {
    for (Mat m : new Mat[] {grid, offsets, scaled, scale}) {
      m.close();
    }
  }
}
