package dev.restyle.ingest.temporal;

import static org.bytedeco.opencv.global.opencv_video.OPTFLOW_FARNEBACK_GAUSSIAN;
import static org.bytedeco.opencv.global.opencv_video.calcOpticalFlowFarneback;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Farnebäck's polynomial-expansion optical flow (OpenCV), slower than DIS and independent of it:
 * the warping error is measured with it, so that the stabiliser is not judged by its own flow.
 */
final class FarnebackFlow implements OpticalFlow {
  @Override
  public Mat between(Mat from, Mat to, Mat into) {
    // 5 levels at half scale, 15-pixel Gaussian windows, 3 iterations, degree-7 polynomials
    // (sigma 1.5): OpenCV's recommended settings for larger motions and noisy frames.
    calcOpticalFlowFarneback(from, to, into, 0.5, 5, 15, 3, 7, 1.5, OPTFLOW_FARNEBACK_GAUSSIAN);
    return into;
  }

  @Override
  public void close() {}
}
