package dev.restyle.engine.keras;

import java.util.List;

/**
 * The Keras layers computed the plain way, in doubles on NHWC arrays, with loops that follow
 * TensorFlow's definitions directly (no DJL, no NCHW, no folding): what {@link KerasGraph} is
 * checked against.
 *
 * <p>TensorFlow's padding: {@code valid} keeps the windows that fit, {@code same} gives {@code
 * ceil(in / stride)} outputs with {@code max((out - 1) * stride + span - in, 0)} zeros added, half
 * (rounded down) before and the rest after. Pooling ignores the padding: the maximum and the mean
 * are taken over the window's pixels inside the image.
 */
final class NhwcReference {
  private NhwcReference() {}

  /**
   * A batch of feature maps, {@code v[((b * h + y) * w + x) * c + ch]}; a flat one (after Flatten
   * or Dense) has {@code h = w = 1} and is compared as (N, c).
   */
  record Act(int n, int h, int w, int c, boolean flat, double[] v) {
    Act {
      if (v.length != n * h * w * c) {
        throw new IllegalArgumentException(v.length + " values for " + n + "x" + h + "x" + w);
      }
    }

    Act(int n, int h, int w, int c) {
      this(n, h, w, c, false, new double[n * h * w * c]);
    }

    int index(int b, int y, int x, int ch) {
      return ((b * h + y) * w + x) * c + ch;
    }

    double at(int b, int y, int x, int ch) {
      return v[index(b, y, x, ch)];
    }

    Act copy() {
      return new Act(n, h, w, c, flat, v.clone());
    }
  }

  /** One spatial axis: output size and padding before, as TensorFlow computes them. */
  record Axis(int out, int before) {
    static Axis of(int in, int kernel, int stride, int dilation, String padding) {
      int span = (kernel - 1) * dilation + 1;
      return switch (padding) {
        case "valid" -> new Axis((in - span) / stride + 1, 0);
        case "same" -> {
          int out = (in + stride - 1) / stride;
          int total = Math.max((out - 1) * stride + span - in, 0);
          yield new Axis(out, total / 2);
        }
        default -> throw new IllegalArgumentException(padding);
      };
    }
  }

  /** Conv2D: kernel (kh, kw, in, out) as Keras stores it; bias may be null. */
  static Act conv2d(
      Act x,
      float[] kernel,
      int kh,
      int kw,
      int filters,
      float[] bias,
      int[] strides,
      String padding,
      int[] dilation) {
    Axis rows = Axis.of(x.h(), kh, strides[0], dilation[0], padding);
    Axis cols = Axis.of(x.w(), kw, strides[1], dilation[1], padding);
    Act y = new Act(x.n(), rows.out(), cols.out(), filters);
    for (int b = 0; b < x.n(); b++) {
      for (int oy = 0; oy < rows.out(); oy++) {
        for (int ox = 0; ox < cols.out(); ox++) {
          for (int o = 0; o < filters; o++) {
            double sum = bias == null ? 0 : bias[o];
            for (int ky = 0; ky < kh; ky++) {
              int iy = oy * strides[0] - rows.before() + ky * dilation[0];
              if (iy < 0 || iy >= x.h()) {
                continue;
              }
              for (int kx = 0; kx < kw; kx++) {
                int ix = ox * strides[1] - cols.before() + kx * dilation[1];
                if (ix < 0 || ix >= x.w()) {
                  continue;
                }
                for (int i = 0; i < x.c(); i++) {
                  sum += x.at(b, iy, ix, i) * kernel[((ky * kw + kx) * x.c() + i) * filters + o];
                }
              }
            }
            y.v()[y.index(b, oy, ox, o)] = sum;
          }
        }
      }
    }
    return y;
  }

  /**
   * DepthwiseConv2D: kernel (kh, kw, channels, multiplier); output channel {@code c * multiplier +
   * m} is input channel c convolved with kernel[.., .., c, m].
   */
  static Act depthwise(
      Act x,
      float[] kernel,
      int kh,
      int kw,
      int multiplier,
      float[] bias,
      int[] strides,
      String pad) {
    Axis rows = Axis.of(x.h(), kh, strides[0], 1, pad);
    Axis cols = Axis.of(x.w(), kw, strides[1], 1, pad);
    Act y = new Act(x.n(), rows.out(), cols.out(), x.c() * multiplier);
    for (int b = 0; b < x.n(); b++) {
      for (int oy = 0; oy < rows.out(); oy++) {
        for (int ox = 0; ox < cols.out(); ox++) {
          for (int ch = 0; ch < x.c(); ch++) {
            for (int m = 0; m < multiplier; m++) {
              int o = ch * multiplier + m;
              double sum = bias == null ? 0 : bias[o];
              for (int ky = 0; ky < kh; ky++) {
                int iy = oy * strides[0] - rows.before() + ky;
                for (int kx = 0; kx < kw; kx++) {
                  int ix = ox * strides[1] - cols.before() + kx;
                  if (iy >= 0 && iy < x.h() && ix >= 0 && ix < x.w()) {
                    sum +=
                        x.at(b, iy, ix, ch)
                            * kernel[((ky * kw + kx) * x.c() + ch) * multiplier + m];
                  }
                }
              }
              y.v()[y.index(b, oy, ox, o)] = sum;
            }
          }
        }
      }
    }
    return y;
  }

  /** BatchNormalization at inference; gamma and beta may be null (scale / center off). */
  static Act batchNorm(
      Act x, float[] gamma, float[] beta, float[] mean, float[] variance, double epsilon) {
    Act y = x.copy();
    for (int i = 0; i < y.v().length; i++) {
      int ch = i % x.c();
      double normalised = (x.v()[i] - mean[ch]) / Math.sqrt(variance[ch] + epsilon);
      y.v()[i] = normalised * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]);
    }
    return y;
  }

  /** MaxPooling2D or AveragePooling2D over the window's pixels inside the image. */
  static Act pool(Act x, boolean max, int[] size, int[] strides, String padding) {
    Axis rows = Axis.of(x.h(), size[0], strides[0], 1, padding);
    Axis cols = Axis.of(x.w(), size[1], strides[1], 1, padding);
    Act y = new Act(x.n(), rows.out(), cols.out(), x.c());
    for (int b = 0; b < x.n(); b++) {
      for (int oy = 0; oy < rows.out(); oy++) {
        for (int ox = 0; ox < cols.out(); ox++) {
          for (int ch = 0; ch < x.c(); ch++) {
            double best = Double.NEGATIVE_INFINITY;
            double sum = 0;
            int count = 0;
            for (int ky = 0; ky < size[0]; ky++) {
              int iy = oy * strides[0] - rows.before() + ky;
              for (int kx = 0; kx < size[1]; kx++) {
                int ix = ox * strides[1] - cols.before() + kx;
                if (iy >= 0 && iy < x.h() && ix >= 0 && ix < x.w()) {
                  double v = x.at(b, iy, ix, ch);
                  best = Math.max(best, v);
                  sum += v;
                  count++;
                }
              }
            }
            y.v()[y.index(b, oy, ox, ch)] = max ? best : sum / count;
          }
        }
      }
    }
    return y;
  }

  static Act zeroPad(Act x, int top, int bottom, int left, int right) {
    Act y = new Act(x.n(), x.h() + top + bottom, x.w() + left + right, x.c());
    for (int b = 0; b < x.n(); b++) {
      for (int iy = 0; iy < x.h(); iy++) {
        for (int ix = 0; ix < x.w(); ix++) {
          for (int ch = 0; ch < x.c(); ch++) {
            y.v()[y.index(b, iy + top, ix + left, ch)] = x.at(b, iy, ix, ch);
          }
        }
      }
    }
    return y;
  }

  /** Concatenate along the channels (Keras axis -1 or 3). */
  static Act concat(List<Act> parts) {
    Act first = parts.get(0);
    int channels = parts.stream().mapToInt(Act::c).sum();
    Act y = new Act(first.n(), first.h(), first.w(), channels);
    for (int b = 0; b < first.n(); b++) {
      for (int iy = 0; iy < first.h(); iy++) {
        for (int ix = 0; ix < first.w(); ix++) {
          int offset = 0;
          for (Act part : parts) {
            for (int ch = 0; ch < part.c(); ch++) {
              y.v()[y.index(b, iy, ix, offset + ch)] = part.at(b, iy, ix, ch);
            }
            offset += part.c();
          }
        }
      }
    }
    return y;
  }

  static Act add(List<Act> parts) {
    Act y = parts.get(0).copy();
    for (Act part : parts.subList(1, parts.size())) {
      for (int i = 0; i < y.v().length; i++) {
        y.v()[i] += part.v()[i];
      }
    }
    return y;
  }

  /** Flatten: the NHWC values of each sample in their order, as Keras flattens them. */
  static Act flatten(Act x) {
    return new Act(x.n(), 1, 1, x.h() * x.w() * x.c(), true, x.v().clone());
  }

  /** Dense on flat input: kernel (in, out), bias may be null. */
  static Act dense(Act x, float[] kernel, int units, float[] bias) {
    if (!x.flat()) {
      throw new IllegalArgumentException("Dense here takes flat input");
    }
    Act y = new Act(x.n(), 1, 1, units, true, new double[x.n() * units]);
    for (int b = 0; b < x.n(); b++) {
      for (int o = 0; o < units; o++) {
        double sum = bias == null ? 0 : bias[o];
        for (int i = 0; i < x.c(); i++) {
          sum += x.v()[b * x.c() + i] * kernel[i * units + o];
        }
        y.v()[b * units + o] = sum;
      }
    }
    return y;
  }

  /** A Keras activation; softmax over the last (channel) axis. */
  static Act activation(Act x, String name) {
    Act y = x.copy();
    double[] v = y.v();
    switch (name) {
      case "linear" -> {}
      case "relu" -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = Math.max(v[i], 0);
        }
      }
      case "relu6" -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = Math.min(Math.max(v[i], 0), 6);
        }
      }
      case "sigmoid" -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = 1 / (1 + Math.exp(-v[i]));
        }
      }
      case "tanh" -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = Math.tanh(v[i]);
        }
      }
      case "softmax" -> {
        for (int start = 0; start < v.length; start += x.c()) {
          double max = Double.NEGATIVE_INFINITY;
          for (int ch = 0; ch < x.c(); ch++) {
            max = Math.max(max, v[start + ch]);
          }
          double sum = 0;
          for (int ch = 0; ch < x.c(); ch++) {
            v[start + ch] = Math.exp(v[start + ch] - max);
            sum += v[start + ch];
          }
          for (int ch = 0; ch < x.c(); ch++) {
            v[start + ch] /= sum;
          }
        }
      }
      default -> throw new IllegalArgumentException(name);
    }
    return y;
  }
}
