package dev.restyle.ingest.temporal;

import org.bytedeco.opencv.opencv_core.Mat;

/** Dense optical flow between two grey 8-bit images of one size. Not thread-safe. */
interface OpticalFlow extends AutoCloseable {

  /**
   * For each pixel of {@code from}, where it is in {@code to}: {@code CV_32FC2} offsets, written
   * into {@code into} (reallocated), which is returned.
   */
  Mat between(Mat from, Mat to, Mat into);

  @Override
  void close();
}
