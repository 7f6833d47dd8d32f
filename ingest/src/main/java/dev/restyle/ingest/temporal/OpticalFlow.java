package dev.restyle.ingest.temporal;

import org.bytedeco.opencv.opencv_core.Mat;

/** Dense optical flow between two grey 8-bit images of one size. Not thread-safe. */
interface OpticalFlow extends AutoCloseable {

  /** For each pixel of {@code from}, where it is in {@code to}. */
  FlowField between(Mat from, Mat to);

  @Override
  void close();
}
