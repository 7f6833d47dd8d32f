package dev.restyle.engine.loss;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.keras.KerasGraph;
import dev.restyle.engine.keras.KerasModel;
import dev.restyle.engine.keras.KerasModelFile;
import dev.restyle.engine.nn.Ops;
import dev.restyle.engine.weights.InceptionV3Weights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Keras's ImageNet-trained InceptionV3 (through {@code mixed5}) as the loss network, run by {@link
 * KerasGraph} from the converted weights of {@link InceptionV3Weights}.
 *
 * <p>Images are scaled to [-1, 1], as Keras's InceptionV3 expects. Three options fight what sets
 * this network apart from VGG as a loss: its convolutions and poolings of stride 2 sample without
 * blurring first, so a loss through them rewards fine periodic textures that they alias (a
 * crosshatch); {@code antiAlias} blurs the image with a [1, 2, 1] binomial, which removes period 2
 * before the first stride, and {@code blurPool} goes further, running every stride-2 layer at
 * stride 1 and blurring before it subsamples (Zhang 2019), so no later stride aliases either. And
 * its activations are peaky (a few channels dominate); {@code smoothing} passes each style layer
 * through a softmax over all its values (Wang, Li and Vasconcelos 2021), scaled by their count so
 * that the result's mean is 1 whatever the image size.
 *
 * @see Layers#DEFAULT
 */
public final class InceptionLossNetwork implements LossNetwork {
  /** Smallest image side for which {@code mixed0} has at least one pixel. */
  static final int MIN_SIDE = 27;

  /**
   * Which layers define style and content, and how style layers are treated.
   *
   * @param style layers whose statistics define style
   * @param content layers compared directly for content
   * @param smoothing softmax smoothing of the style layers
   * @param antiAlias binomial blur of the image before the network
   * @param blurPool every stride-2 layer blurs before it subsamples
   */
  public record Layers(
      List<String> style,
      List<String> content,
      boolean smoothing,
      boolean antiAlias,
      boolean blurPool) {
    /** Keras's names, as the lab notes and the loss-network docs use them. */
    public static final Layers DEFAULT =
        new Layers(
            List.of("activation_2", "activation_4", "activation_5", "mixed0", "mixed2"),
            List.of("mixed1"),
            false,
            true,
            false);

    public Layers {
      style = List.copyOf(style);
      content = List.copyOf(content);
      if (style.isEmpty()) {
        throw new IllegalArgumentException("name at least one style layer");
      }
    }

    public Layers withSmoothing(boolean on) {
      return new Layers(style, content, on, antiAlias, blurPool);
    }

    public Layers withAntiAlias(boolean on) {
      return new Layers(style, content, smoothing, on, blurPool);
    }

    public Layers withBlurPool(boolean on) {
      return new Layers(style, content, smoothing, antiAlias, on);
    }

    public Layers withContent(List<String> layers) {
      return new Layers(style, layers, smoothing, antiAlias, blurPool);
    }

    public Layers withStyle(List<String> layers) {
      return new Layers(layers, content, smoothing, antiAlias, blurPool);
    }
  }

  private final KerasGraph graph;
  private final Layers layers;

  /**
   * @param model InceptionV3 (at least through the layers named)
   * @param layers style and content layers
   * @param device where the network runs
   */
  public InceptionLossNetwork(KerasModel model, Layers layers, Device device) {
    List<String> outputs = new ArrayList<>(new LinkedHashSet<>(layers.style()));
    layers.content().stream().filter(l -> !outputs.contains(l)).forEach(outputs::add);
    this.graph = new KerasGraph(model, outputs, device, layers.blurPool());
    this.layers = layers;
  }

  /**
   * The network from restyle's weights cache.
   *
   * @throws dev.restyle.engine.weights.MissingWeightsException if it has not been fetched, naming
   *     the command that fetches it
   */
  public static InceptionLossNetwork cached(Layers layers, Device device) throws IOException {
    return fromFile(InceptionV3Weights.resolve(), layers, device);
  }

  /** The network from a converted weights file (its hash is not checked here). */
  public static InceptionLossNetwork fromFile(Path file, Layers layers, Device device)
      throws IOException {
    return new InceptionLossNetwork(KerasModelFile.read(file).model(), layers, device);
  }

  @Override
  public String name() {
    return InceptionV3Weights.NAME;
  }

  public Layers layers() {
    return layers;
  }

  /**
   * @param images (N, 3, H, W) RGB in [0, 255], H and W at least {@value #MIN_SIDE}
   */
  @Override
  public Features extract(NDArray images) {
    Shape s = images.getShape();
    if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) < MIN_SIDE || s.get(3) < MIN_SIDE) {
      throw new IllegalArgumentException(
          "InceptionV3 needs (N, 3, H, W) images with H and W at least " + MIN_SIDE + ", got " + s);
    }
    NDArray x = Ops.dividedBy(images, 127.5f).sub(1f);
    if (layers.antiAlias()) {
      x = Ops.binomialBlur(x, 1);
    }
    Map<String, NDArray> out = graph.forward(x);
    List<NDArray> style = new ArrayList<>();
    for (String name : layers.style()) {
      style.add(layers.smoothing() ? smooth(out.get(name)) : out.get(name));
    }
    List<NDArray> content = new ArrayList<>();
    for (String name : layers.content()) {
      content.add(out.get(name));
    }
    return new Features(style, content);
  }

  /** Softmax over all values of each image's layer, times their count (mean 1). */
  static NDArray smooth(NDArray features) {
    Shape s = features.getShape();
    long count = s.size() / s.get(0);
    return Ops.times(features.reshape(s.get(0), count).softmax(1), count).reshape(s);
  }

  @Override
  public void close() {
    graph.close();
  }
}
