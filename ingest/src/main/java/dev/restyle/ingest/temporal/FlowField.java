package dev.restyle.ingest.temporal;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A dense optical flow: for each pixel of one frame, where it moved to in another, as {@code u, v}
 * pixel offsets interleaved row by row ({@code uv[2 * (y * width + x)]} is {@code u}).
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param uv the offsets, {@code 2 * width * height} values
 */
record FlowField(int width, int height, float[] uv) {

  FlowField {
    if (uv.length != 2 * width * height) {
      throw new IllegalArgumentException(
          "a " + width + "x" + height + " flow needs " + 2 * width * height + " values");
    }
  }

  /** The flow of an OpenCV {@code CV_32FC2} matrix, copied out. */
  static FlowField of(Mat flow) {
    if (flow.type() != opencv_core.CV_32FC2 || !flow.isContinuous()) {
      throw new IllegalArgumentException(
          "expected a continuous CV_32FC2 flow, got type " + flow.type());
    }
    float[] uv = new float[2 * flow.cols() * flow.rows()];
    ((FloatBuffer) flow.createBuffer()).get(uv);
    return new FlowField(flow.cols(), flow.rows(), uv);
  }

  /** {@code u} at a pixel. */
  float u(int x, int y) {
    return uv[2 * (y * width + x)];
  }

  /** {@code v} at a pixel. */
  float v(int x, int y) {
    return uv[2 * (y * width + x) + 1];
  }

  /**
   * The flow at a point between pixels, bilinearly interpolated; {@code out[0], out[1]} receive
   * {@code u, v}. The point must lie within the field ({@code 0 <= x <= width - 1}, likewise y).
   */
  void sample(float x, float y, float[] out) {
    int x0 = Math.min((int) x, width - 2 < 0 ? 0 : width - 2);
    int y0 = Math.min((int) y, height - 2 < 0 ? 0 : height - 2);
    int x1 = Math.min(x0 + 1, width - 1);
    int y1 = Math.min(y0 + 1, height - 1);
    float fx = x - x0;
    float fy = y - y0;
    int i00 = 2 * (y0 * width + x0);
    int i01 = 2 * (y0 * width + x1);
    int i10 = 2 * (y1 * width + x0);
    int i11 = 2 * (y1 * width + x1);
    for (int c = 0; c < 2; c++) {
      float top = uv[i00 + c] + (uv[i01 + c] - uv[i00 + c]) * fx;
      float bottom = uv[i10 + c] + (uv[i11 + c] - uv[i10 + c]) * fx;
      out[c] = top + (bottom - top) * fy;
    }
  }
}
