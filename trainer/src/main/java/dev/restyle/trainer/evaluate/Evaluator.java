package dev.restyle.trainer.evaluate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.image.Resize;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossWeights;
import dev.restyle.engine.loss.PerceptualLoss;
import dev.restyle.engine.loss.StyleLoss;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.trainer.NetworkRef;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures trained networks on the same photos under one loss network: each photo is resized to a
 * common size, every network stylises it, and the perceptual loss of the result (clamped to [0,
 * 255], as a user sees it) against the photo (content) and the style image (style) is taken with
 * one set of weights. Each pass is timed from photo tensor to 8-bit image.
 */
public final class Evaluator {
  private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

  /** Receives each photo and the networks' results, for contact sheets. */
  @FunctionalInterface
  public interface Results {
    Results NONE = (photo, input, outputs) -> {};

    void accept(Path photo, BufferedImage input, List<BufferedImage> outputs);
  }

  private final LossNetwork lossNetwork;
  private final Path styleFile;
  private final BufferedImage style;
  private final LossWeights weights;
  private final StyleLoss styleLoss;
  private final Device device;

  /**
   * @param lossNetwork the loss network, on {@code device}
   * @param styleFile the style image's file (for the report)
   * @param style the style image, already resized as the networks were trained with it
   * @param weights weights of the total
   * @param styleLoss how style is compared
   * @param device where the networks run
   */
  public Evaluator(
      LossNetwork lossNetwork,
      Path styleFile,
      BufferedImage style,
      LossWeights weights,
      StyleLoss styleLoss,
      Device device) {
    this.lossNetwork = lossNetwork;
    this.styleFile = styleFile;
    this.style = style;
    this.weights = weights;
    this.styleLoss = styleLoss;
    this.device = device;
  }

  /**
   * Evaluates {@code networks} on {@code photos} resized so that their longer side is {@code size}
   * (then cropped to what every network accepts). Unreadable photos are skipped, counted and
   * logged.
   *
   * @throws IOException if no photo can be read
   */
  public Evaluation run(List<NetworkRef> networks, List<Path> photos, int size, Results results)
      throws IOException {
    if (networks.isEmpty()) {
      throw new IllegalArgumentException("no networks to evaluate");
    }
    if (size < 16) {
      throw new IllegalArgumentException("size must be at least 16 pixels, got " + size);
    }
    int multiple = 1;
    int minimum = 1;
    for (NetworkRef n : networks) {
      Architecture a = n.file().architecture();
      multiple = Math.max(multiple, a.sideMultiple());
      minimum = Math.max(minimum, a.minimumSide());
    }
    int n = networks.size();
    List<String> evaluated = new ArrayList<>();
    List<List<Evaluation.PhotoScore>> scores = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      scores.add(new ArrayList<>());
    }
    int skipped = 0;
    List<StyleNetwork> loaded = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager(device);
        PerceptualLoss loss =
            new PerceptualLoss(
                lossNetwork,
                ImageTensors.toTensor(style, manager).expandDims(0),
                weights,
                styleLoss)) {
      for (NetworkRef ref : networks) {
        loaded.add(ref.file().toNetwork(device));
      }
      boolean warm = false;
      long photoIndex = -1;
      for (Path file : photos) {
        photoIndex++;
        BufferedImage photo;
        try {
          photo = fit(ImageFiles.read(file), size, multiple, minimum);
        } catch (IOException e) {
          skipped++;
          LOG.warn("skipping evaluation photo: {}", e.getMessage());
          continue;
        }
        try (NDManager scope = manager.newSubManager()) {
          NDArray input = ImageTensors.toTensor(photo, scope).expandDims(0);
          if (!warm) {
            // One untimed pass each, so the first photo's times are not start-up costs.
            for (StyleNetwork network : loaded) {
              network.forward(input).close();
            }
            warm = true;
          }
          List<NDArray> targets = loss.contentTargets(input);
          List<BufferedImage> outputs = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            NDArray out = loaded.get(i).forward(input).clip(0, 255);
            BufferedImage image = ImageTensors.toImage(out.get(0));
            double ms = (System.nanoTime() - start) / 1e6;
            // The same random directions for every network on a photo.
            PerceptualLoss.Terms terms = loss.compute(out, targets, photoIndex);
            scores
                .get(i)
                .add(
                    new Evaluation.PhotoScore(
                        terms.style().getFloat(),
                        terms.content().getFloat(),
                        terms.totalVariation().getFloat(),
                        terms.total().getFloat(),
                        ms));
            outputs.add(image);
          }
          evaluated.add(file.getFileName().toString());
          results.accept(file, photo, outputs);
        }
      }
    } finally {
      loaded.forEach(StyleNetwork::close);
    }
    if (evaluated.isEmpty()) {
      throw new IOException("none of the " + photos.size() + " evaluation photos could be read");
    }
    List<Evaluation.Score> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NetworkRef ref = networks.get(i);
      List<Evaluation.PhotoScore> s = scores.get(i);
      long parameters =
          ref.file().weights().values().stream().mapToLong(t -> t.data().length).sum();
      out.add(
          new Evaluation.Score(
              ref.label(),
              ref.reference(),
              ref.sha256(),
              ref.file().architecture().toString(),
              parameters,
              median(s.stream().mapToDouble(Evaluation.PhotoScore::style).toArray()),
              median(s.stream().mapToDouble(Evaluation.PhotoScore::content).toArray()),
              median(s.stream().mapToDouble(Evaluation.PhotoScore::total).toArray()),
              median(s.stream().mapToDouble(Evaluation.PhotoScore::ms).toArray()),
              List.copyOf(s)));
    }
    return new Evaluation(
        lossNetwork.name(),
        styleFile.toString(),
        Math.max(style.getWidth(), style.getHeight()),
        weights.content(),
        weights.style(),
        weights.totalVariation(),
        size,
        List.copyOf(evaluated),
        skipped,
        List.copyOf(out));
  }

  /**
   * The photo with its longer side {@code size}, centre-cropped to sides that are multiples of
   * {@code multiple} and at least {@code minimum}.
   */
  static BufferedImage fit(BufferedImage photo, int size, int multiple, int minimum) {
    BufferedImage resized = Resize.longerSide(photo, size);
    int w = resized.getWidth();
    int h = resized.getHeight();
    if (Math.min(w, h) < minimum) {
      // A very thin photo: scale its shorter side up to the minimum instead.
      double scale = (double) minimum / Math.min(w, h);
      resized = Resize.to(resized, (int) Math.ceil(w * scale), (int) Math.ceil(h * scale));
      w = resized.getWidth();
      h = resized.getHeight();
    }
    int cw = w / multiple * multiple;
    int ch = h / multiple * multiple;
    return ImageTensors.asThreeByteBgr(resized.getSubimage((w - cw) / 2, (h - ch) / 2, cw, ch));
  }

  /** The median (mean of the middle two for an even count). */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }
}
