package dev.restyle.ingest.temporal;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The temporal warping error E_warp of Lai et al. 2018 ("Learning blind video temporal
 * consistency"), of one or more output clips against the input clip they were made from.
 *
 * <p>For each pair of consecutive frames: optical flow is computed on the input frames in both
 * directions ({@link EvaluationFlow}); pixels are occluded where the forward-backward check fails,
 * at motion boundaries, or where the flow leads outside the frame (Ruder et al. 2016's criteria, as
 * Lai et al. use them); the previous output frame is warped onto the current one along the flow,
 * and the error is the mean squared difference over the non-occluded pixels and the three channels,
 * RGB in 0..1. E_warp is the mean over all pairs. Feeding the input itself as an output gives the
 * input's own error (its noise and the flow's imperfection): a floor of sorts.
 *
 * <p>Frames are fed in order with {@link #add}. Not thread-safe.
 */
public final class WarpError implements AutoCloseable {
  private final int outputs;
  private final OpticalFlow flow;
  private final double[] sums;
  private final Mat rgb = new Mat();
  private final Mat out = new Mat();
  private final Mat warped = new Mat();
  private final Mat map = new Mat();
  private final Mat flowMat = new Mat();
  private final SampleMaps maps = new SampleMaps();
  private Mat previousGrey;
  private List<byte[]> previousOutputs;
  private int width;
  private int height;
  private long pairs;
  private double visible;

  /**
   * An evaluation of {@code outputs} clips.
   *
   * @param flow the optical flow to measure with
   */
  public WarpError(int outputs, EvaluationFlow flow) {
    if (outputs < 1) {
      throw new IllegalArgumentException("at least one output clip, got " + outputs);
    }
    this.outputs = outputs;
    this.flow = Objects.requireNonNull(flow, "flow").open();
    this.sums = new double[outputs];
  }

  /**
   * Adds the next frame: the input frame and each output clip's frame at the same position, packed
   * RGB of one size.
   */
  public void add(byte[] input, List<byte[]> outputFrames, int frameWidth, int frameHeight) {
    if (outputFrames.size() != outputs) {
      throw new IllegalArgumentException(
          "expected " + outputs + " output frames, got " + outputFrames.size());
    }
    long bytes = 3L * frameWidth * frameHeight;
    if (input.length != bytes || outputFrames.stream().anyMatch(f -> f.length != bytes)) {
      throw new IllegalArgumentException(
          "every frame must be " + frameWidth + "x" + frameHeight + " packed RGB");
    }
    if (previousGrey != null && (frameWidth != width || frameHeight != height)) {
      throw new IllegalArgumentException(
          "frame size changed from "
              + width
              + "x"
              + height
              + " to "
              + frameWidth
              + "x"
              + frameHeight);
    }
    Mat grey =
        Images.grey(
            Images.rgb(input, frameWidth, frameHeight, rgb), frameWidth, frameHeight, new Mat());
    if (previousGrey != null) {
      FlowField forward = FlowField.of(flow.between(previousGrey, grey, flowMat));
      maps.of(flow.between(grey, previousGrey, flowMat), width, height, map);
      FlowField backward = FlowField.of(flowMat);
      boolean[] visibleMask = nonOccluded(backward, forward);
      int count = 0;
      for (boolean v : visibleMask) {
        count += v ? 1 : 0;
      }
      visible += count / (double) visibleMask.length;
      for (int k = 0; k < outputs; k++) {
        sums[k] += error(previousOutputs.get(k), outputFrames.get(k), visibleMask, count);
      }
      pairs++;
      previousGrey.close();
    }
    previousGrey = grey;
    previousOutputs = List.copyOf(outputFrames);
    width = frameWidth;
    height = frameHeight;
  }

  /** Mean squared difference, 0..1 scale, of the warped previous frame and the current one. */
  private double error(byte[] previousFrame, byte[] current, boolean[] visibleMask, int count) {
    if (count == 0) {
      return 0; // nothing to compare (a cut): counts as a pair without error, as in Lai et al.
    }
    Images.rgb(previousFrame, width, height, out);
    try (Mat none = new Mat();
        Scalar border = new Scalar(0)) {
      remap(out, warped, map, none, INTER_LINEAR, BORDER_CONSTANT, border);
    }
    byte[] carried = Images.bytes(warped);
    double sum = 0;
    for (int p = 0, i = 0; p < visibleMask.length; p++, i += 3) {
      if (!visibleMask[p]) {
        continue;
      }
      for (int c = 0; c < 3; c++) {
        double d = ((current[i + c] & 0xff) - (carried[i + c] & 0xff)) / 255.0;
        sum += d * d;
      }
    }
    return sum / (3.0 * count);
  }

  /**
   * Pixels of the current frame that are visible in the previous one: inside the frame, passing the
   * forward-backward check ({@code |b + f|^2 <= 0.01 (|b|^2 + |f|^2) + 0.5}) and off motion
   * boundaries ({@code |grad u|^2 + |grad v|^2 <= 0.01 |b|^2 + 0.002}).
   */
  private static boolean[] nonOccluded(FlowField backward, FlowField forward) {
    int w = backward.width();
    int h = backward.height();
    boolean[] visible = new boolean[w * h];
    float[] f = new float[2];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float bu = backward.u(x, y);
        float bv = backward.v(x, y);
        float px = x + bu;
        float py = y + bv;
        if (px < 0 || py < 0 || px > w - 1 || py > h - 1) {
          continue;
        }
        forward.sample(px, py, f);
        float du = bu + f[0];
        float dv = bv + f[1];
        float b2 = bu * bu + bv * bv;
        if (du * du + dv * dv > 0.01f * (b2 + f[0] * f[0] + f[1] * f[1]) + 0.5f) {
          continue;
        }
        int xl = Math.max(x - 1, 0);
        int xr = Math.min(x + 1, w - 1);
        int yu = Math.max(y - 1, 0);
        int yd = Math.min(y + 1, h - 1);
        float ux = (backward.u(xr, y) - backward.u(xl, y)) / Math.max(1, xr - xl);
        float vx = (backward.v(xr, y) - backward.v(xl, y)) / Math.max(1, xr - xl);
        float uy = (backward.u(x, yd) - backward.u(x, yu)) / Math.max(1, yd - yu);
        float vy = (backward.v(x, yd) - backward.v(x, yu)) / Math.max(1, yd - yu);
        if (ux * ux + vx * vx + uy * uy + vy * vy > 0.01f * b2 + 0.002f) {
          continue;
        }
        visible[y * w + x] = true;
      }
    }
    return visible;
  }

  /** Pairs of frames measured so far. */
  public long pairs() {
    return pairs;
  }

  /** E_warp of each output clip so far (the mean over pairs), in the order they were given. */
  public List<Double> errors() {
    List<Double> result = new ArrayList<>(outputs);
    for (double s : sums) {
      result.add(pairs == 0 ? Double.NaN : s / pairs);
    }
    return result;
  }

  /** The mean share of pixels that were compared (not occluded). */
  public double visibleShare() {
    return pairs == 0 ? Double.NaN : visible / pairs;
  }

  @Override
  public void close() {
    if (previousGrey != null) {
      previousGrey.close();
      previousGrey = null;
    }
    flow.close();
    maps.close();
    for (Mat m : new Mat[] {rgb, out, warped, map, flowMat}) {
      m.close();
    }
  }
}
