package dev.restyle.engine.stylize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import java.awt.image.BufferedImage;

/**
 * Applies a style network to images of any size and aspect ratio: pads each side up to what the
 * network needs (see {@link dev.restyle.engine.network.Architecture#sideMultiple()}), runs it,
 * crops back, then applies the {@link StyleOptions}.
 */
public final class Stylizer {
  private final StyleNetwork network;

  public Stylizer(StyleNetwork network) {
    this.network = network;
  }

  public StyleNetwork network() {
    return network;
  }

  /** Stylises one image. */
  public BufferedImage stylize(BufferedImage image, StyleOptions options) {
    try (NDManager scope = NDManager.newBaseManager(network.device())) {
      NDArray batch = ImageTensors.toTensor(image, scope).expandDims(0);
      return ImageTensors.toImage(stylize(batch, options).get(0));
    }
  }

  /**
   * Stylises a batch.
   *
   * @param batch (N, 3, H, W) RGB in [0, 255], on the network's device
   * @return (N, 3, H, W) RGB, unclamped, owned by the batch's manager
   */
  public NDArray stylize(NDArray batch, StyleOptions options) {
    long height = batch.getShape().get(2);
    long width = batch.getShape().get(3);
    Architecture a = network.architecture();
    NDArray padded = padEdges(batch, padded(height, a) - height, padded(width, a) - width);
    NDArray out = network.forward(padded);
    if (padded != batch) {
      out = out.get(new NDIndex(":, :, :{}, :{}", height, width));
    }
    return options.apply(out, batch);
  }

  /**
   * A side padded up to what the network takes: a multiple of its side multiple, at least its
   * minimum side.
   */
  public static int padded(long size, Architecture architecture) {
    int multiple = architecture.sideMultiple();
    return (int) Math.max(architecture.minimumSide(), (size + multiple - 1) / multiple * multiple);
  }

  /** Extends the bottom and right edges by repeating the last row and column. */
  static NDArray padEdges(NDArray x, long bottom, long right) {
    NDArray out = x;
    if (bottom > 0) {
      Shape s = out.getShape();
      NDArray last = out.get(new NDIndex(":, :, -1:, :"));
      NDArray pad = last.broadcast(new Shape(s.get(0), s.get(1), bottom, s.get(3)));
      out = NDArrays.concat(new NDList(out, pad), 2);
    }
    if (right > 0) {
      Shape s = out.getShape();
      NDArray last = out.get(new NDIndex(":, :, :, -1:"));
      NDArray pad = last.broadcast(new Shape(s.get(0), s.get(1), s.get(2), right));
      out = NDArrays.concat(new NDList(out, pad), 3);
    }
    return out;
  }
}
