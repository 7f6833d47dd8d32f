package dev.restyle.engine.loss;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.nn.Ops;
import dev.restyle.engine.weights.TorchCheckpointReader;
import dev.restyle.engine.weights.Vgg16Weights;
import dev.restyle.engine.weights.WeightsResolver;
import dev.restyle.engine.weights.WeightsSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The perceptual loss network of Johnson et al. 2016: torchvision's ImageNet-trained VGG-16 up to
 * {@code relu4_3}. Style layers are {@code relu1_2}, {@code relu2_2}, {@code relu3_3} and {@code
 * relu4_3}; the content layer is {@code relu2_2}.
 *
 * <p>Layers follow torchvision's {@code vgg16().features}: 3x3 convolutions with zero padding 1,
 * each followed by a ReLU, and 2x2 max pooling after {@code relu1_2}, {@code relu2_2} and {@code
 * relu3_3}. Images are normalised as torchvision expects: scaled to [0, 1], then standardised with
 * ImageNet's channel means and deviations.
 */
public final class Vgg16LossNetwork implements LossNetwork {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  /** One convolution: its index in {@code features} and its channel counts. */
  private record Conv(int index, int in, int out) {
    String weightKey() {
      return "features." + index + ".weight";
    }

    String biasKey() {
      return "features." + index + ".bias";
    }
  }

  /** The blocks up to relu4_3; a max pool precedes every block but the first. */
  private static final List<List<Conv>> BLOCKS =
      List.of(
          List.of(new Conv(0, 3, 64), new Conv(2, 64, 64)),
          List.of(new Conv(5, 64, 128), new Conv(7, 128, 128)),
          List.of(new Conv(10, 128, 256), new Conv(12, 256, 256), new Conv(14, 256, 256)),
          List.of(new Conv(17, 256, 512), new Conv(19, 512, 512), new Conv(21, 512, 512)));

  /** Index within {@link #BLOCKS} of the block whose output is the content layer (relu2_2). */
  private static final int CONTENT_BLOCK = 1;

  /** Smallest image side: three poolings must leave at least one pixel. */
  private static final int MIN_SIDE = 8;

  /** A convolution's parameters on this network's device. */
  private record ConvParams(NDArray weight, NDArray bias) {}

  private final NDManager manager;
  private final List<List<ConvParams>> blocks = new ArrayList<>();
  private final NDArray mean;
  private final NDArray std;

  /**
   * Builds the network from a VGG-16 state dict: the {@code features.*} convolutions up to index 21
   * must be present with torchvision's shapes; other entries (later layers, {@code classifier.*})
   * are ignored.
   *
   * @param stateDict torchvision VGG-16 parameters, e.g. from {@link TorchCheckpointReader}
   * @param device where the weights live; images passed to {@link #extract} must be there too
   * @throws IllegalArgumentException if a parameter is missing or has the wrong shape
   */
  public Vgg16LossNetwork(Map<String, Tensor> stateDict, Device device) {
    for (List<Conv> block : BLOCKS) {
      for (Conv conv : block) {
        check(stateDict, conv.weightKey(), conv.out(), conv.in(), 3, 3);
        check(stateDict, conv.biasKey(), conv.out());
      }
    }
    this.manager = NDManager.newBaseManager(device);
    for (List<Conv> block : BLOCKS) {
      List<ConvParams> layers = new ArrayList<>();
      for (Conv conv : block) {
        layers.add(
            new ConvParams(
                stateDict.get(conv.weightKey()).toNDArray(manager),
                stateDict.get(conv.biasKey()).toNDArray(manager)));
      }
      blocks.add(layers);
    }
    this.mean = manager.create(MEAN, new Shape(1, 3, 1, 1)).mul(255f);
    this.std = manager.create(STD, new Shape(1, 3, 1, 1)).mul(255f);
  }

  /**
   * Loads torchvision's official weights: {@code explicitWeights} if given, else the cached copy,
   * else a download unless {@linkplain WeightsResolver#offline() offline mode} is on.
   *
   * @param explicitWeights path of {@code vgg16-397923af.pth}, or null for the caches
   * @throws dev.restyle.engine.weights.MissingWeightsException if the file is not available, with a
   *     message saying how to provide it
   */
  public static Vgg16LossNetwork official(Path explicitWeights, Device device) throws IOException {
    return official(explicitWeights, !WeightsResolver.offline(), device);
  }

  /**
   * As {@link #official(Path, Device)}, with an explicit choice whether to download.
   *
   * @param allowDownload whether a missing file may be downloaded
   */
  public static Vgg16LossNetwork official(
      Path explicitWeights, boolean allowDownload, Device device) throws IOException {
    return load(
        WeightsResolver.standard(), Vgg16Weights.OFFICIAL, explicitWeights, allowDownload, device);
  }

  /**
   * Resolves weights with any resolver and source (tests use synthetic files and a local server).
   */
  public static Vgg16LossNetwork load(
      WeightsResolver resolver,
      WeightsSource source,
      Path explicitWeights,
      boolean allowDownload,
      Device device)
      throws IOException {
    Path file = resolver.resolve(source, explicitWeights, allowDownload);
    return fromFile(file, device);
  }

  /**
   * Reads a VGG-16 state dict file (either {@code torch.save} layout), reading only the parameters
   * needed. The file's hash is not checked here; {@link WeightsResolver} does that.
   */
  public static Vgg16LossNetwork fromFile(Path file, Device device) throws IOException {
    Set<String> keys = requiredKeys();
    return new Vgg16LossNetwork(TorchCheckpointReader.read(file, keys::contains), device);
  }

  /** The state dict keys this network uses. */
  public static Set<String> requiredKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (List<Conv> block : BLOCKS) {
      for (Conv conv : block) {
        keys.add(conv.weightKey());
        keys.add(conv.biasKey());
      }
    }
    return keys;
  }

  private static void check(Map<String, Tensor> stateDict, String key, long... shape) {
    Tensor tensor = stateDict.get(key);
    if (tensor == null) {
      throw new IllegalArgumentException("VGG-16 state dict lacks " + key);
    }
    if (!Arrays.equals(tensor.shape(), shape)) {
      throw new IllegalArgumentException(
          "VGG-16 parameter "
              + key
              + " has shape "
              + Arrays.toString(tensor.shape())
              + ", expected "
              + Arrays.toString(shape));
    }
  }

  @Override
  public String name() {
    return "vgg16";
  }

  /**
   * Activations at relu1_2 (64 channels, full size), relu2_2 (128, half), relu3_3 (256, quarter)
   * and relu4_3 (512, eighth) as style layers, and relu2_2 as the content layer.
   *
   * @param images (N, 3, H, W) RGB in [0, 255] on this network's device, H and W at least 8
   */
  @Override
  public Features extract(NDArray images) {
    Shape s = images.getShape();
    if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) < MIN_SIDE || s.get(3) < MIN_SIDE) {
      throw new IllegalArgumentException(
          "VGG-16 needs (N, 3, H, W) images with H and W at least " + MIN_SIDE + ", got " + s);
    }
    if (!images.getDevice().equals(manager.getDevice())) {
      throw new IllegalArgumentException(
          "images are on " + images.getDevice() + " but VGG-16 is on " + manager.getDevice());
    }
    NDArray x = images.sub(mean).div(std);
    List<NDArray> style = new ArrayList<>();
    List<NDArray> content = new ArrayList<>();
    for (int b = 0; b < blocks.size(); b++) {
      if (b > 0) {
        x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
      }
      for (ConvParams conv : blocks.get(b)) {
        x = Ops.relu(Ops.conv(x, conv.weight(), conv.bias(), 1, 1));
      }
      style.add(x);
      if (b == CONTENT_BLOCK) {
        content.add(x);
      }
    }
    return new Features(style, content);
  }

  @Override
  public void close() {
    manager.close();
  }
}
