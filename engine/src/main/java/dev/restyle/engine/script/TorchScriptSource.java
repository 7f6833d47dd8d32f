package dev.restyle.engine.script;

import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.ParameterSpec;
import java.util.List;
import java.util.Locale;

/**
 * The TorchScript source of a style network's inference pass, the same layers as {@link
 * dev.restyle.engine.network.StyleNetwork#forward} (reflection padding, convolutions, instance
 * norm, upsampling) with the pixel conversions of {@link
 * dev.restyle.engine.inference.BatchStylizer} at both ends, so one call takes packed 8-bit RGB
 * frames (N, H, W, 3) to stylised ones.
 *
 * <p>{@code forward(x, p, strength)}: {@code x} the uint8 frames, {@code p} the network's tensors
 * in {@link Architecture#parameters()} order (the first and last convolution's with the {@link
 * PixelScale} folded in) followed by the {@link SubPixel} kernel and bias of each of the {@link
 * #UPSAMPLING} layers and, for a downscaling network, the {@link Resampling} pooling and upsampling
 * kernels; {@code strength} the blend with the original (1 = full style). Sides that are not a
 * multiple of {@link Architecture#sideMultiple()} are extended by repeating the last row and column
 * and cropped back afterwards, as {@link dev.restyle.engine.stylize.Stylizer} does.
 */
public final class TorchScriptSource {
  /**
   * The upsampling layers, in order; the compiled pass takes their {@link SubPixel} kernel and bias
   * after the network's own tensors, in this order.
   */
  static final List<String> UPSAMPLING = List.of("up1", "up2");

  /** The module's class, as TorchScript names it ({@code __torch__.StyleNet}). */
  public static final String CLASS_NAME = "StyleNet";

  private final Architecture architecture;
  private final List<ParameterSpec> parameters;
  private final StringBuilder code = new StringBuilder();

  private TorchScriptSource(Architecture architecture) {
    this.architecture = architecture;
    this.parameters = architecture.parameters();
  }

  /** The source of {@code code/__torch__.py} for a network of this architecture. */
  public static String of(Architecture architecture) {
    return new TorchScriptSource(architecture).write();
  }

  private String write() {
    line("class " + CLASS_NAME + "(Module):");
    line("  __parameters__ = []");
    line("  __buffers__ = []");
    line("  training : bool");
    line("  def forward(self: __torch__." + CLASS_NAME + ",");
    line("    x: Tensor,");
    line("    p: List[Tensor],");
    line("    strength: float) -> Tensor:");
    int multiple = architecture.sideMultiple();
    int minimum = architecture.minimumSide();
    body("h = torch.size(x, 1)");
    body("w = torch.size(x, 2)");
    body(
        "th = max("
            + minimum
            + ", (h + "
            + (multiple - 1)
            + ") // "
            + multiple
            + " * "
            + multiple
            + ")");
    body(
        "tw = max("
            + minimum
            + ", (w + "
            + (multiple - 1)
            + ") // "
            + multiple
            + " * "
            + multiple
            + ")");
    // uint8 NHWC -> float NCHW in [0, 255], edges repeated up to the network's multiple
    body("content = torch.permute(torch.to(x, 6), [0, 3, 1, 2])");
    body("y = content");
    body("if th != h or tw != w:");
    body("  y = torch.replication_pad2d(y, [0, tw - w, 0, th - h])");
    // [0, 255] <-> [-0.5, 0.5] is folded into the first and last convolution (PixelScale).
    int downscale = architecture.downscale();
    if (downscale > 1) {
      body("padded = y");
      body(
          String.format(
              Locale.ROOT,
              "y = torch.conv2d(y, p[%d], None, [%d, %d], [0, 0], [1, 1], 3)",
              resampling(),
              downscale,
              downscale));
    }
    block("conv1", 1, true);
    block("conv2", 2, true);
    block("conv3", 2, true);
    for (int i = 1; i <= architecture.residualBlocks(); i++) {
      residual("res" + i + ".conv1", "y", true);
      residual("res" + i + ".conv2", "r", false);
      body("y = torch.add(y, r)");
    }
    for (String name : UPSAMPLING) {
      upsample(name);
    }
    body("y = " + conv("y", "out", 1));
    if (downscale > 1) {
      upsampleImage(downscale);
    } else {
      body("if th != h or tw != w:");
      body("  y = torch.slice(torch.slice(y, 2, 0, h), 3, 0, w)");
      body("if strength != 1.:");
      body("  y = torch.add(content, torch.mul(torch.sub(y, content), strength))");
      // clamp, round, back to uint8 NHWC
      body("y = torch.to(torch.round(torch.clamp(y, 0., 255.)), 0)");
      body("return torch.contiguous(torch.permute(y, [0, 2, 3, 1]))");
    }
    writePad();
    return code.toString();
  }

  /**
   * The end of a downscaling network's pass: its RGB output upsampled bilinearly by {@code f} as
   * one grouped convolution at the low resolution giving each channel's {@code f^2} phases ({@link
   * Resampling}), blended with the original, clamped and rounded there, and interleaved by a pixel
   * shuffle straight into (N, H, W, 3) bytes: no full-size float image, and one copy at full size.
   */
  private void upsampleImage(int f) {
    int kernel = resampling() + 1;
    // channels last (memory format 2), so that the phases of a pixel lie side by side and the
    // interleaving below reads one row at a time
    body("y = torch.contiguous(torch.replication_pad2d(y, [1, 1, 1, 1]), memory_format=2)");
    body(
        String.format(
            Locale.ROOT, "y = torch.conv2d(y, p[%d], None, [1, 1], [0, 0], [1, 1], 3)", kernel));
    body("n = torch.size(y, 0)");
    body("lh = torch.size(y, 2)");
    body("lw = torch.size(y, 3)");
    body("if strength != 1.:");
    // the padded original in the same phase layout: (N, 3, lh, f, lw, f) -> (N, 3 f^2, lh, lw)
    body(
        String.format(
            Locale.ROOT,
            "  phased = torch.reshape(torch.permute(torch.reshape(padded, [n, 3, lh, %d, lw, %d]),"
                + " [0, 1, 3, 5, 2, 4]), [n, %d, lh, lw])",
            f,
            f,
            3 * f * f));
    body("  y = torch.add(phased, torch.mul(torch.sub(y, phased), strength))");
    body("y = torch.to(torch.round(torch.clamp(y, 0., 255.)), 0)");
    // the phases interleaved; channels last, so (N, 3, th, tw) is laid out as (N, th, tw, 3)
    body(
        String.format(
            Locale.ROOT, "y = torch.permute(torch.pixel_shuffle(y, %d), [0, 2, 3, 1])", f));
    body("if th != h or tw != w:");
    body("  y = torch.slice(torch.slice(y, 1, 0, h), 2, 0, w)");
    body("return torch.contiguous(y)");
  }

  /** Where in {@code p} the {@link Resampling} pooling kernel is; the upsampling one follows. */
  private int resampling() {
    return parameters.size() + 2 * UPSAMPLING.size();
  }

  /**
   * {@code pad(y, p)}: reflection padding by {@code p} on each side, as {@code reflection_pad2d}
   * gives it, written as one allocation, one copy of the interior and four small mirrored strips
   * (the columns, then the rows with the corners): libtorch's {@code reflection_pad2d} is a slow
   * kernel, about a sixth of the full network's time at 640x480. Below 128x128 pixels that kernel's
   * one call costs less than the nine of the copies, and it is used instead.
   */
  private void writePad() {
    line("  def pad(self: __torch__." + CLASS_NAME + ",");
    line("    y: Tensor,");
    line("    p: int) -> Tensor:");
    body("h = torch.size(y, 2)");
    body("w = torch.size(y, 3)");
    body("if h * w <= 16384:");
    body("  return torch.reflection_pad2d(y, [p, p, p, p])");
    body("out = torch.new_empty(y, [torch.size(y, 0), torch.size(y, 1), h + 2 * p, w + 2 * p])");
    body("rows = torch.slice(out, 2, p, p + h)");
    body("_0 = torch.copy_(torch.slice(rows, 3, p, p + w), y)");
    body(
        "_1 = torch.copy_(torch.slice(rows, 3, 0, p), torch.flip(torch.slice(y, 3, 1, p + 1), [3]))");
    body(
        "_2 = torch.copy_(torch.slice(rows, 3, p + w, w + 2 * p),"
            + " torch.flip(torch.slice(y, 3, w - p - 1, w - 1), [3]))");
    body(
        "_3 = torch.copy_(torch.slice(out, 2, 0, p),"
            + " torch.flip(torch.slice(out, 2, p + 1, 2 * p + 1), [2]))");
    body(
        "_4 = torch.copy_(torch.slice(out, 2, p + h, h + 2 * p),"
            + " torch.flip(torch.slice(out, 2, h - 1, h + p - 1), [2]))");
    body("return out");
  }

  /**
   * 2x upsampling and the layer's padded 3x3 convolution as one convolution at the low resolution
   * giving the four output phases ({@link SubPixel}: 2x2 after nearest upsampling, 3x3 after
   * bilinear), each copied into its interleaved place in the upsampled result, then instance norm
   * and ReLU.
   */
  private void upsample(String name) {
    int kernel = parameters.size() + 2 * UPSAMPLING.indexOf(name);
    int extra = 3 - SubPixel.side(architecture.upsampling());
    body("y = torch.replication_pad2d(y, [1, 1, 1, 1])");
    body(String.format(Locale.ROOT, "z = torch.conv2d(y, p[%d], p[%d])", kernel, kernel + 1));
    body("uc = torch.size(z, 1) // 4");
    body("uh = torch.size(z, 2) - " + extra);
    body("uw = torch.size(z, 3) - " + extra);
    // (N, C, h, 2, w, 2) is (N, C, 2h, 2w) with row parity and column parity as their own axes
    body("y = torch.new_empty(z, [torch.size(z, 0), uc, uh, 2, uw, 2])");
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        int phase = 2 * a + b;
        String target =
            String.format(Locale.ROOT, "torch.select(torch.select(y, 3, %d), 4, %d)", a, b);
        String channels =
            String.format(Locale.ROOT, "torch.slice(z, 1, %d * uc, %d * uc)", phase, phase + 1);
        String source =
            String.format(
                Locale.ROOT,
                "torch.slice(torch.slice(%s, 2, %d, %d + uh), 3, %d, %d + uw)",
                channels,
                a * extra,
                a * extra,
                b * extra,
                b * extra);
        body(String.format(Locale.ROOT, "_%d = torch.copy_(%s, %s)", 5 + phase, target, source));
      }
    }
    body("y = torch.view(y, [torch.size(y, 0), uc, 2 * uh, 2 * uw])");
    normalise("y", name, true);
  }

  /** Reflection-padded convolution, instance norm, optional ReLU, on {@code y}. */
  private void block(String name, int stride, boolean relu) {
    body("y = " + conv("y", name, stride));
    normalise("y", name, relu);
  }

  /** A residual block's 3x3 convolution (plain, or depthwise then pointwise) into {@code r}. */
  private void residual(String name, String input, boolean relu) {
    if (architecture.separable()) {
      body(
          String.format(
              Locale.ROOT,
              "r = torch.conv2d(%s, %s, None, [1, 1], [0, 0], [1, 1], torch.size(%s, 1))",
              reflect(input, 1),
              p(name + ".depthwise.weight"),
              input));
      body(
          String.format(
              Locale.ROOT, "r = torch.conv2d(r, %s, %s)", p(name + ".weight"), p(name + ".bias")));
    } else {
      body("r = " + conv(input, name, 1));
    }
    normalise("r", name, relu);
  }

  private String conv(String input, String name, int stride) {
    int kernel = (int) spec(name + ".weight").shape()[2];
    return String.format(
        Locale.ROOT,
        "torch.conv2d(%s, %s, %s, [%d, %d])",
        reflect(input, kernel / 2),
        p(name + ".weight"),
        p(name + ".bias"),
        stride,
        stride);
  }

  private static String reflect(String input, int pad) {
    return pad == 0 ? input : String.format(Locale.ROOT, "(self).pad(%s, %d)", input, pad);
  }

  /**
   * Instance norm, then ReLU if asked. Written as group norm with one group per channel (the same
   * statistics and affine map): libtorch's {@code group_norm} kernel is faster than {@code
   * instance_norm}, which goes through batch norm on a reshaped copy.
   */
  private void normalise(String variable, String name, boolean relu) {
    body(
        String.format(
            Locale.ROOT,
            "%s = torch.group_norm(%s, torch.size(%s, 1), %s, %s, 1.0000000000000001e-05, False)",
            variable,
            variable,
            variable,
            p(name + ".norm.gamma"),
            p(name + ".norm.beta")));
    if (relu) {
      body(variable + " = torch.relu(" + variable + ")");
    }
  }

  /** The parameter's element of the list argument. */
  private String p(String name) {
    return "p[" + parameters.indexOf(spec(name)) + "]";
  }

  private ParameterSpec spec(String name) {
    return parameters.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("no parameter " + name + " in " + architecture));
  }

  private void body(String statement) {
    line("    " + statement);
  }

  private void line(String text) {
    code.append(text).append('\n');
  }
}
