package dev.restyle.ingest.temporal;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_imgproc.blur;
import static org.bytedeco.opencv.global.opencv_imgproc.erode;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Where a flow between two frames can be trusted, pixel by pixel of the current frame: where
 * following the backward flow to the previous frame and the forward flow back lands where it
 * started (a forward-backward check, Sundaram et al. 2010 as Ruder et al. 2016 use it: occlusions
 * and new content fail it), and where the previous frame, warped by the flow, looks like the
 * current one (a moving object's wake and a wrong flow fail it).
 */
final class Reliability {
  private Reliability() {}

  /**
   * The reliable pixels of the current frame.
   *
   * @param backward for each pixel of the current frame, where it is in the previous one
   * @param forward for each pixel of the previous frame, where it is in the current one
   * @param previous the previous frame's packed RGB pixels, at the flows' size
   * @param current the current frame's packed RGB pixels, at the flows' size
   * @param scale frame pixels per flow pixel, for the tolerance
   * @param tolerance the forward-backward check's tolerance, in frame pixels
   * @param photometric the most levels (of 255) any colour channel of the warped previous frame may
   *     differ by
   * @return 1 for a reliable pixel, 0 otherwise, at the flows' size
   */
  static Mask of(
      FlowField backward,
      FlowField forward,
      byte[] previous,
      byte[] current,
      double scale,
      double tolerance,
      int photometric) {
    int w = backward.width();
    int h = backward.height();
    if (forward.width() != w
        || forward.height() != h
        || previous.length != 3 * w * h
        || current.length != 3 * w * h) {
      throw new IllegalArgumentException("flows and grey images must have one size");
    }
    float tol = (float) (tolerance / scale);
    float tol2 = tol * tol;
    float[] mask = new float[w * h];
    float[] f = new float[2];
    long reliable = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        float bu = backward.u(x, y);
        float bv = backward.v(x, y);
        float px = x + bu;
        float py = y + bv;
        if (px < 0 || py < 0 || px > w - 1 || py > h - 1) {
          continue; // came from outside the previous frame
        }
        forward.sample(px, py, f);
        float du = bu + f[0];
        float dv = bv + f[1];
        float motion = bu * bu + bv * bv + f[0] * f[0] + f[1] * f[1];
        if (du * du + dv * dv > 0.01f * motion + tol2) {
          continue;
        }
        if (!looksAlike(previous, current, w, h, px, py, i, photometric)) {
          continue;
        }
        mask[i] = 1;
        reliable++;
      }
    }
    return new Mask(w, h, mask, reliable / (double) (w * h));
  }

  /**
   * Whether the previous frame at {@code (x, y)}, bilinearly, matches the current frame's pixel
   * {@code i} within {@code limit} levels in each channel: colour as well as brightness (a red
   * object and the grey wall behind it can be equally bright).
   */
  private static boolean looksAlike(
      byte[] previous, byte[] current, int w, int h, float x, float y, int i, int limit) {
    int x0 = Math.min((int) x, Math.max(0, w - 2));
    int y0 = Math.min((int) y, Math.max(0, h - 2));
    int x1 = Math.min(x0 + 1, w - 1);
    int y1 = Math.min(y0 + 1, h - 1);
    float fx = x - x0;
    float fy = y - y0;
    for (int c = 0; c < 3; c++) {
      float a = previous[3 * (y0 * w + x0) + c] & 0xff;
      float b = previous[3 * (y0 * w + x1) + c] & 0xff;
      float d = previous[3 * (y1 * w + x0) + c] & 0xff;
      float e = previous[3 * (y1 * w + x1) + c] & 0xff;
      float top = a + (b - a) * fx;
      float bottom = d + (e - d) * fx;
      float seen = top + (bottom - top) * fy;
      if (Math.abs(seen - (current[3 * i + c] & 0xff)) > limit) {
        return false;
      }
    }
    return true;
  }

  /**
   * Weights per pixel.
   *
   * @param share the share of pixels with weight 1 as computed (before {@link #softened})
   */
  record Mask(int width, int height, float[] weights, double share) {

    /**
     * The mask shrunk by one pixel (a pixel next to an unreliable one is unreliable too: flow is
     * least sure at motion boundaries) and then box-blurred over 3x3, so that carried and fresh
     * regions meet without a seam.
     */
    Mask softened() {
      float[] out = new float[weights.length];
      try (Mat mask = new Mat(height, width, CV_32FC1);
          Mat eroded = new Mat();
          Mat blurred = new Mat();
          Mat kernel = new Mat();
          Point anchor = new Point(-1, -1);
          Size box = new Size(3, 3);
          Scalar unused = new Scalar(0)) {
        ((FloatBuffer) mask.createBuffer()).put(weights);
        // An empty kernel is OpenCV's 3x3 square; replicated edges as the clamped loops had.
        erode(mask, eroded, kernel, anchor, 1, BORDER_REPLICATE, unused);
        blur(eroded, blurred, box, anchor, BORDER_REPLICATE);
        ((FloatBuffer) blurred.createBuffer()).get(out);
      }
      return new Mask(width, height, out, share);
    }

    /** The mean weight. */
    double meanWeight() {
      double sum = 0;
      for (float v : weights) {
        sum += v;
      }
      return sum / weights.length;
    }
  }
}
