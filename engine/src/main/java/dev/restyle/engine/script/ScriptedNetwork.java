package dev.restyle.engine.script;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.restyle.engine.network.ParameterSpec;
import dev.restyle.engine.network.StyleNetwork;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A style network compiled by libtorch from {@link TorchScriptSource}: a batch of 8-bit RGB frames
 * goes through in one native call (pixel conversion, every layer, clamping and rounding), where the
 * op-by-op {@link StyleNetwork#forward} crosses JNI a few hundred times and builds reflection
 * padding from slices and concatenations. Same layers, same kernels: results agree with the
 * op-by-op pass to within one grey level.
 *
 * <p>The module lives as long as the network (it is owned by the network's manager); calls may come
 * from several threads. Inference only: nothing is recorded for gradients.
 */
public final class ScriptedNetwork {
  private final StyleNetwork network;
  private final PtSymbolBlock module;
  private final PtNDArray[] parameters;

  private ScriptedNetwork(StyleNetwork network, PtSymbolBlock module, PtNDArray[] parameters) {
    this.network = network;
    this.module = module;
    this.parameters = parameters;
  }

  /**
   * Compiles the network's architecture and binds its current weights (the upsampling layers'
   * {@link SubPixel} kernels and the {@link PixelScale} folded into the first and last layer are
   * derived from them here, once).
   */
  public static ScriptedNetwork compile(StyleNetwork network) {
    String source = TorchScriptSource.of(network.architecture());
    byte[] archive = TorchScriptArchive.of(TorchScriptSource.CLASS_NAME, source);
    List<NDArray> tensors = new ArrayList<>();
    Map<String, NDArray> p = network.parameters();
    for (ParameterSpec spec : network.architecture().parameters()) {
      tensors.add(
          switch (spec.name()) {
            case "conv1.weight" -> PixelScale.inputWeight(p.get("conv1.weight"));
            case "conv1.bias" -> PixelScale.inputBias(p.get("conv1.weight"), p.get("conv1.bias"));
            case "out.weight" -> PixelScale.outputWeight(p.get("out.weight"));
            case "out.bias" -> PixelScale.outputBias(p.get("out.bias"));
            default -> p.get(spec.name());
          });
    }
    for (String layer : TorchScriptSource.UPSAMPLING) {
      tensors.add(
          SubPixel.kernel(
              network.parameters().get(layer + ".weight"), network.architecture().upsampling()));
      tensors.add(SubPixel.bias(network.parameters().get(layer + ".bias")));
    }
    int downscale = network.architecture().downscale();
    if (downscale > 1) {
      NDManager manager = tensors.getFirst().getManager();
      tensors.add(Resampling.pooling(downscale, manager));
      tensors.add(Resampling.upsampling(downscale, manager));
    }
    PtNDArray[] parameters = tensors.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new);
    PtNDManager manager = parameters[0].getManager();
    try {
      PtSymbolBlock module =
          JniUtils.loadModule(manager, new ByteArrayInputStream(archive), false, false);
      return new ScriptedNetwork(network, module, parameters);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public StyleNetwork network() {
    return network;
  }

  /**
   * Stylises packed frames.
   *
   * @param frames (N, H, W, 3) uint8 RGB, on the network's device
   * @param strength 0 = the original, 1 = full style
   * @return (N, H, W, 3) uint8 RGB, owned by {@code frames}' manager
   */
  public NDArray stylize(NDArray frames, float strength) {
    if (frames.getDataType() != DataType.UINT8 || frames.getShape().dimension() != 4) {
      throw new IllegalArgumentException(
          "expected (N, H, W, 3) uint8 frames, got "
              + frames.getDataType()
              + " "
              + frames.getShape());
    }
    NDManager owner = frames.getManager();
    boolean grad = JniUtils.isGradMode();
    try (IValue x = IValue.from((PtNDArray) frames);
        IValue p = IValue.listFrom(parameters);
        IValue s = IValue.from((double) strength)) {
      if (grad) {
        JniUtils.setGradMode(false);
      }
      try (IValue out = IValueUtils.forward(module, new IValue[] {x, p, s})) {
        return out.toTensor((PtNDManager) owner);
      }
    } finally {
      if (grad) {
        JniUtils.setGradMode(true);
      }
    }
  }
}
