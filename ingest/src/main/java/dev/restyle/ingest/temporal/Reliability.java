package dev.restyle.ingest.temporal;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.bitwise_and;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.inRange;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_core.scaleAdd;
import static org.bytedeco.opencv.global.opencv_core.transform;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY_INV;
import static org.bytedeco.opencv.global.opencv_imgproc.blur;
import static org.bytedeco.opencv.global.opencv_imgproc.erode;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import java.nio.DoubleBuffer;
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
 * current one in every colour channel (a moving object's wake and a wrong flow fail it; a red
 * object and the grey wall behind it can be equally bright).
 *
 * <p>All in OpenCV, at the flows' size; the matrices are reused from frame to frame. Not
 * thread-safe.
 */
final class Reliability implements AutoCloseable {
  private final SampleMaps maps = new SampleMaps();
  private final Mat at = new Mat();
  private final Mat forwardAt = new Mat();
  private final Mat roundTrip = new Mat();
  private final Mat motion = new Mat();
  private final Mat squares = new Mat();
  private final Mat excess = new Mat();
  private final Mat excessSum = new Mat();
  private final Mat consistent = new Mat();
  private final Mat consistentBytes = new Mat();
  private final Mat inside = new Mat();
  private final Mat warpedPrevious = new Mat();
  private final Mat difference = new Mat();
  private final Mat alike = new Mat();
  private final Mat reliable = new Mat();
  private final Mat sumChannels = new Mat(1, 2, CV_32FC1);
  private final Mat none = new Mat();
  private final Scalar zero = new Scalar(0);
  private final Mat insideLow = new Mat();
  private final Mat insideHigh = new Mat();
  private final Mat levelsLow = new Mat();
  private final Mat levelsHigh = new Mat();

  Reliability() {
    ((FloatBuffer) sumChannels.createBuffer()).put(new float[] {1, 1});
  }

  /**
   * The reliable pixels of the current frame.
   *
   * @param backward {@code CV_32FC2}: for each pixel of the current frame, where it is in the
   *     previous one
   * @param forward {@code CV_32FC2}: for each pixel of the previous frame, where it is in the
   *     current one
   * @param previous the previous frame, {@code CV_8UC3} at the flows' size
   * @param current the current frame, {@code CV_8UC3} at the flows' size
   * @param tolerance the forward-backward check's tolerance, in flow pixels: {@code |b + f|^2 <=
   *     0.01 (|b|^2 + |f|^2) + tolerance^2}, {@code f} the forward flow where {@code b} leads
   * @param photometric the most levels (of 255) any colour channel of the warped previous frame may
   *     differ by
   * @param into the mask, {@code CV_8UC1}: 255 for a reliable pixel, 0 otherwise
   * @return the share of reliable pixels
   */
  double of(
      Mat backward,
      Mat forward,
      Mat previous,
      Mat current,
      double tolerance,
      int photometric,
      Mat into) {
    int w = backward.cols();
    int h = backward.rows();
    if (backward.type() != CV_32FC2
        || forward.type() != CV_32FC2
        || forward.cols() != w
        || forward.rows() != h
        || !sameShape(previous, w, h)
        || !sameShape(current, w, h)) {
      throw new IllegalArgumentException("flows and frames must have one size");
    }
    maps.of(backward, w, h, at);
    // Inside the previous frame.
    bounds(insideLow, 0, 0);
    bounds(insideHigh, w - 1, h - 1);
    inRange(at, insideLow, insideHigh, inside);
    // Forward-backward.
    remap(forward, forwardAt, at, none, INTER_LINEAR, BORDER_REPLICATE, zero);
    add(backward, forwardAt, roundTrip);
    multiply(roundTrip, roundTrip, roundTrip);
    multiply(backward, backward, motion);
    multiply(forwardAt, forwardAt, squares);
    add(motion, squares, motion);
    scaleAdd(motion, -0.01, roundTrip, excess);
    transform(excess, excessSum, sumChannels);
    threshold(excessSum, consistent, tolerance * tolerance, 255, THRESH_BINARY_INV);
    consistent.convertTo(consistentBytes, CV_8UC1);
    // Photometric.
    remap(previous, warpedPrevious, at, none, INTER_LINEAR, BORDER_REPLICATE, zero);
    absdiff(warpedPrevious, current, difference);
    bounds(levelsLow, 0, 0, 0);
    bounds(levelsHigh, photometric, photometric, photometric);
    inRange(difference, levelsLow, levelsHigh, alike);

    bitwise_and(inside, consistentBytes, reliable);
    bitwise_and(reliable, alike, into);
    return countNonZero(into) / (double) (w * h);
  }

  private static boolean sameShape(Mat frame, int w, int h) {
    return frame.type() == CV_8UC3 && frame.cols() == w && frame.rows() == h;
  }

  /**
   * A bound for {@code inRange}, one value a channel (as a column: a one-pixel matrix would be read
   * as its first channel repeated).
   */
  private static void bounds(Mat into, double... values) {
    into.create(values.length, 1, CV_64FC1);
    ((DoubleBuffer) into.createBuffer()).put(values);
  }

  /**
   * Weights from 0 to 1 for a mask of {@link #of}: shrunk by one pixel (a pixel next to an
   * unreliable one is unreliable too: flow is least sure at motion boundaries) and then box-blurred
   * over 3x3, so that carried and fresh regions meet without a seam. Edges are replicated.
   *
   * @param mask {@code CV_8UC1}, 0 or 255 (it is eroded in place)
   * @param into {@code CV_32FC1} weights
   */
  static Mat softened(Mat mask, Mat into) {
    try (Mat kernel = new Mat(); // empty: OpenCV's 3x3 square
        Mat weights = new Mat();
        Point anchor = new Point(-1, -1);
        Size box = new Size(3, 3);
        Scalar unused = new Scalar(0)) {
      erode(mask, mask, kernel, anchor, 1, BORDER_REPLICATE, unused);
      mask.convertTo(weights, CV_32FC1, 1 / 255.0, 0);
      blur(weights, into, box, anchor, BORDER_REPLICATE);
    }
    return into;
  }

  @Override
  public void close() {
    maps.close();
    zero.close();
    for (Mat m :
        new Mat[] {
          at,
          forwardAt,
          roundTrip,
          motion,
          squares,
          excess,
          excessSum,
          consistent,
          consistentBytes,
          inside,
          warpedPrevious,
          difference,
          alike,
          reliable,
          sumChannels,
          none,
          insideLow,
          insideHigh,
          levelsLow,
          levelsHigh
        }) {
      m.close();
    }
  }
}
