package dev.restyle.ingest.temporal;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.ByteBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Packed RGB frames in and out of OpenCV matrices. */
final class Images {
  private Images() {}

  /**
   * Copies packed RGB pixels into {@code into}, (re)allocated as {@code height x width CV_8UC3}.
   */
  static Mat rgb(byte[] rgb, int width, int height, Mat into) {
    into.create(height, width, CV_8UC3);
    ((ByteBuffer) into.createBuffer()).put(rgb);
    return into;
  }

  /** The pixels of a continuous 8-bit matrix, copied out. */
  static byte[] bytes(Mat mat) {
    if (!mat.isContinuous()) {
      throw new IllegalArgumentException("expected a continuous matrix");
    }
    byte[] out = new byte[(int) (mat.total() * mat.channels())];
    ((ByteBuffer) mat.createBuffer()).get(out);
    return out;
  }

  /**
   * The grey image of an RGB matrix, area-averaged down to {@code width x height} (which also
   * averages away some of a camera's noise), into {@code into}.
   */
  static Mat grey(Mat rgb, int width, int height, Mat into) {
    if (width == rgb.cols() && height == rgb.rows()) {
      cvtColor(rgb, into, COLOR_RGB2GRAY);
    } else {
      try (Mat full = new Mat();
          Size size = new Size(width, height)) {
        cvtColor(rgb, full, COLOR_RGB2GRAY);
        resize(full, into, size, 0, 0, INTER_AREA);
      }
    }
    if (into.type() != CV_8UC1) {
      throw new IllegalStateException("grey image of type " + into.type());
    }
    return into;
  }

  /**
   * An RGB matrix area-averaged down to {@code width x height} (a copy at its own size), into
   * {@code into}.
   */
  static Mat small(Mat rgb, int width, int height, Mat into) {
    if (width == rgb.cols() && height == rgb.rows()) {
      rgb.copyTo(into);
    } else {
      try (Size size = new Size(width, height)) {
        resize(rgb, into, size, 0, 0, INTER_AREA);
      }
    }
    return into;
  }

  /** The grey image of an RGB matrix of the same size, into {@code into}. */
  static Mat grey(Mat rgb, Mat into) {
    cvtColor(rgb, into, COLOR_RGB2GRAY);
    return into;
  }
}
