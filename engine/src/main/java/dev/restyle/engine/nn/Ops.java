package dev.restyle.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Functional building blocks on NCHW tensors.
 *
 * <p>Every result is owned by the manager of the activation passed in (never by a parameter's
 * manager), so a per-step sub-manager frees all intermediates of a forward pass at once.
 */
public final class Ops {
  /** DJL's native code for torch's bilinear interpolation mode. */
  private static final int INTERPOLATE_NEAREST = 0;

  private static final int INTERPOLATE_BILINEAR = 2;

  private Ops() {}

  /**
   * One level down a Gaussian pyramid: a 5x5 binomial blur (reflection-padded), then every other
   * pixel. Unlike 2x2 average pooling, its gradient carries no block pattern back to the image.
   */
  public static NDArray gaussianHalve(NDArray x) {
    return binomial(x, new float[] {1, 4, 6, 4, 1}, 2);
  }

  /**
   * A 3x3 [1, 2, 1] x [1, 2, 1] / 16 blur per channel, reflection-padded, sampled every {@code
   * stride} pixels: at stride 1 a blur, at 2 the anti-aliased subsampling of blur pooling (Zhang
   * 2019, "Making convolutional networks shift-invariant again"); the output has {@code ceil(side /
   * stride)} pixels a side.
   */
  public static NDArray binomialBlur(NDArray x, int stride) {
    return binomial(x, new float[] {1, 2, 1}, stride);
  }

  /**
   * The separable filter {@code taps x taps}, normalised to sum 1, per channel over a reflection
   * padding of half its width, sampled every {@code stride} pixels.
   */
  private static NDArray binomial(NDArray x, float[] taps, int stride) {
    long channels = x.getShape().get(1);
    int n = taps.length;
    float sum = 0;
    for (float t : taps) {
      sum += t;
    }
    float[] kernel = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        kernel[i * n + j] = taps[i] * taps[j] / (sum * sum);
      }
    }
    NDArray weight =
        owned(x.getManager(), kernel, new Shape(1, 1, n, n))
            .broadcast(new Shape(channels, 1, n, n));
    NDArray padded = reflectionPad(x, n / 2);
    NDArray out =
        Conv2d.conv2d(
                padded,
                weight,
                null,
                new Shape(stride, stride),
                new Shape(0, 0),
                new Shape(1, 1),
                (int) channels)
            .singletonOrThrow();
    padded.close();
    return out;
  }

  /** 2-D convolution with reflection padding of {@code kernel / 2} on every side. */
  public static NDArray reflectConv(NDArray x, NDArray weight, NDArray bias, int stride) {
    int kernel = (int) weight.getShape().get(2);
    NDArray padded = reflectionPad(x, kernel / 2);
    NDArray out = conv(padded, weight, bias, stride, 0);
    closeUnless(padded, x);
    return out;
  }

  /** Depthwise 2-D convolution (one filter per channel, no bias) with reflection padding. */
  public static NDArray reflectDepthwiseConv(NDArray x, NDArray weight) {
    int kernel = (int) weight.getShape().get(2);
    NDArray padded = reflectionPad(x, kernel / 2);
    NDArray out = depthwiseConv(padded, weight);
    closeUnless(padded, x);
    return out;
  }

  /** Depthwise 2-D convolution (one filter per channel, no bias), unpadded. */
  public static NDArray depthwiseConv(NDArray x, NDArray weight) {
    int channels = (int) x.getShape().get(1);
    return Conv2d.conv2d(
            x, weight, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), channels)
        .singletonOrThrow();
  }

  /**
   * {@code x * factor}, safe to differentiate. DJL's {@code mul(Number)} wraps the number in a
   * direct Java buffer, multiplies, and closes it at once; autograd keeps that scalar for the
   * backward pass, which then reads memory the garbage collector may have freed and reused: random
   * gradients (seen as zero or 1e14 gradient norms, and as runs that differ only in when the
   * collector ran). Here the scalar is made by libtorch and lives as long as {@code x}'s manager.
   */
  public static NDArray times(NDArray x, float factor) {
    return x.mul(x.getManager().full(new Shape(), factor));
  }

  /** {@code x / divisor}, safe to differentiate (see {@link #times}). */
  public static NDArray dividedBy(NDArray x, float divisor) {
    return x.div(x.getManager().full(new Shape(), divisor));
  }

  /**
   * {@code values} as an array in libtorch's own memory. {@link NDManager#create} wraps a direct
   * Java buffer that lives only as long as the Java array object; a view or an autograd record that
   * outlives it would read freed memory once the garbage collector releases the buffer.
   */
  public static NDArray owned(NDManager manager, float[] values, Shape shape) {
    NDArray wrapped = manager.create(values, shape);
    NDArray copy = wrapped.duplicate();
    wrapped.close();
    return copy;
  }

  /** Plain 2-D convolution with zero padding. */
  public static NDArray conv(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
    return Conv2d.conv2d(
            x,
            weight,
            bias,
            new Shape(stride, stride),
            new Shape(padding, padding),
            new Shape(1, 1),
            1)
        .singletonOrThrow();
  }

  /** Reflection padding of the two spatial axes (like {@code torch.nn.ReflectionPad2d}). */
  public static NDArray reflectionPad(NDArray x, int pad) {
    if (pad == 0) {
      return x;
    }
    long height = x.getShape().get(2);
    long width = x.getShape().get(3);
    if (pad >= height || pad >= width) {
      throw new IllegalArgumentException(
          "reflection padding " + pad + " needs an input larger than " + height + "x" + width);
    }
    NDArray rows = reflectAxis(x, 2, pad, height);
    NDArray out = reflectAxis(rows, 3, pad, width);
    rows.close();
    return out;
  }

  /** Reflection padding of the columns only (the last axis). */
  public static NDArray reflectionPadColumns(NDArray x, int pad) {
    if (pad == 0) {
      return x;
    }
    long width = x.getShape().get(3);
    if (pad >= width) {
      throw new IllegalArgumentException(
          "reflection padding " + pad + " needs more than " + width + " columns");
    }
    return reflectAxis(x, 3, pad, width);
  }

  /** Replication padding of the two spatial axes (like {@code torch.nn.ReplicationPad2d}). */
  public static NDArray replicationPad(NDArray x, int pad) {
    NDArray rows = replicateAxis(x, 2, pad, x.getShape().get(2));
    NDArray out = replicateAxis(rows, 3, pad, x.getShape().get(3));
    closeUnless(rows, x);
    return out;
  }

  /** Replication padding of the columns only (the last axis). */
  public static NDArray replicationPadColumns(NDArray x, int pad) {
    return replicateAxis(x, 3, pad, x.getShape().get(3));
  }

  /** Concatenates {@code pad} copies of each edge to {@code x} along one axis. */
  private static NDArray replicateAxis(NDArray x, int axis, int pad, long size) {
    if (pad == 0) {
      return x;
    }
    NDArray first = x.get(slice(axis, 0, 1));
    NDArray last = x.get(slice(axis, size - 1, size));
    NDList parts = new NDList(2 * pad + 1);
    for (int i = 0; i < pad; i++) {
      parts.add(first);
    }
    parts.add(x);
    for (int i = 0; i < pad; i++) {
      parts.add(last);
    }
    NDArray out = NDArrays.concat(parts, axis);
    first.close();
    last.close();
    return out;
  }

  /** Concatenates the mirrored edges to {@code x} along one axis; frees its temporaries. */
  private static NDArray reflectAxis(NDArray x, int axis, int pad, long size) {
    NDArray first = x.get(slice(axis, 1, pad + 1));
    NDArray last = x.get(slice(axis, size - pad - 1, size - 1));
    NDArray before = first.flip(axis);
    NDArray after = last.flip(axis);
    NDArray out = NDArrays.concat(new NDList(before, x, after), axis);
    first.close();
    last.close();
    before.close();
    after.close();
    return out;
  }

  private static NDIndex slice(int axis, long from, long to) {
    NDIndex index = new NDIndex();
    for (int i = 0; i < axis; i++) {
      index.addAllDim();
    }
    return index.addSliceDim(from, to);
  }

  /**
   * Instance normalisation (Ulyanov et al. 2016): each channel of each image is normalised over its
   * own spatial extent, then scaled and shifted by learnt per-channel {@code gamma} and {@code
   * beta} of shape (C).
   */
  public static NDArray instanceNorm(NDArray x, NDArray gamma, NDArray beta) {
    Shape s = x.getShape();
    long batch = s.get(0);
    long planes = batch * s.get(1);
    // Instance norm is batch norm over a batch of one whose channels are all (image, channel)
    // planes: one fused native kernel forward and backward instead of a chain of small ops. Every
    // temporary is freed here at once (autograd keeps what it needs on the native side), so a
    // forward pass does not pile up buffers until its manager closes.
    NDManager scope = x.getManager();
    NDArray scale = batch == 1 ? gamma : onManagerOf(x, gamma.tile(batch));
    NDArray shift = batch == 1 ? beta : onManagerOf(x, beta.tile(batch));
    NDArray runningMean = scope.zeros(new Shape(planes));
    NDArray runningVar = scope.ones(new Shape(planes));
    NDArray planar = x.reshape(1, planes, s.get(2), s.get(3));
    NDArray normalised =
        planar
            .getNDArrayInternal()
            .batchNorm(planar, runningMean, runningVar, scale, shift, 1, 0.1f, 1e-5f, true)
            .singletonOrThrow();
    NDArray out = normalised.reshape(s);
    normalised.close();
    planar.close();
    runningMean.close();
    runningVar.close();
    closeUnless(scale, gamma);
    closeUnless(shift, beta);
    return out;
  }

  /**
   * Normalisation with given statistics: {@code (x - mean) / sqrt(variance + 1e-5) * gamma + beta}
   * per channel, for every image of the batch alike (instance normalisation's arithmetic with
   * statistics from elsewhere, one fused native kernel).
   *
   * @param x (N, C, H, W)
   * @param mean (C), on {@code x}'s manager
   * @param variance (C), biased, on {@code x}'s manager
   */
  public static NDArray normalise(
      NDArray x, NDArray mean, NDArray variance, NDArray gamma, NDArray beta) {
    return x.getNDArrayInternal()
        .batchNorm(x, mean, variance, gamma, beta, 1, 0.1f, 1e-5f, false)
        .singletonOrThrow();
  }

  /**
   * Mean and biased variance of each channel over the batch and both spatial axes.
   *
   * @param x (N, C, H, W)
   * @return {mean, variance}, each (C), on {@code x}'s manager
   */
  public static NDArray[] channelMoments(NDArray x) {
    NDArray mean = meanOverAllButChannels(x);
    NDArray centred = x.sub(mean);
    NDArray squared = centred.muli(centred);
    NDArray variance = meanOverAllButChannels(squared);
    centred.close();
    NDArray flat = mean.reshape(-1);
    NDArray flatVariance = variance.reshape(-1);
    mean.close();
    variance.close();
    return new NDArray[] {flat, flatVariance};
  }

  /** (N, C, H, W) to its (1, C, 1, 1) means (one axis at a time: DJL reduces one axis a call). */
  private static NDArray meanOverAllButChannels(NDArray x) {
    NDArray rows = x.mean(new int[] {3}, true);
    NDArray planes = rows.mean(new int[] {2}, true);
    rows.close();
    NDArray out = planes.mean(new int[] {0}, true);
    planes.close();
    return out;
  }

  /** Nearest-neighbour upsampling by an integer factor (one native kernel, like torch's). */
  public static NDArray upsampleNearest(NDArray x, int factor) {
    Shape s = x.getShape();
    return resizeNearest(x, s.get(2) * factor, s.get(3) * factor);
  }

  /** Nearest-neighbour resampling to {@code height x width} (torch's {@code nearest} mode). */
  public static NDArray resizeNearest(NDArray x, long height, long width) {
    return JniUtils.interpolate(
        (PtNDArray) x, new long[] {height, width}, INTERPOLATE_NEAREST, false);
  }

  /** Bilinear resampling to {@code height x width} (PyTorch's, without aligned corners). */
  public static NDArray upsampleBilinear(NDArray x, long height, long width) {
    return JniUtils.interpolate(
        (PtNDArray) x, new long[] {height, width}, INTERPOLATE_BILINEAR, false);
  }

  /** Average pooling by an integer factor (each output pixel the mean of a factor^2 square). */
  public static NDArray averagePool(NDArray x, int factor) {
    return Pool.avgPool2d(
        x, new Shape(factor, factor), new Shape(factor, factor), new Shape(0, 0), false, true);
  }

  public static NDArray relu(NDArray x) {
    return Activation.relu(x);
  }

  /** 2x2 average pooling with stride 2 (one level down an image pyramid). */
  public static NDArray halve(NDArray x) {
    return Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
  }

  /** Frees {@code temporary} unless it is {@code keep} itself (an op that returned its input). */
  public static void closeUnless(NDArray temporary, NDArray keep) {
    if (temporary != keep) {
      temporary.close();
    }
  }

  /** Moves a derived array (e.g. a reshaped parameter view) to the manager of {@code owner}. */
  public static NDArray onManagerOf(NDArray owner, NDArray derived) {
    derived.attach(owner.getManager());
    return derived;
  }
}
