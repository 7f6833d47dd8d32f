package dev.restyle.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.image.Resize;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.PerceptualLoss;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.optim.Adam;
import dev.restyle.engine.optim.Progress;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a style network (Johnson et al. 2016): random crops of photos go through the network, and
 * Adam minimises the perceptual loss of its output against the crops (content) and the style image
 * (style). Writes into the run's output folder: {@code checkpoint.ckpt} every few steps, a loss CSV
 * and PNG plot, preview images, and at the end {@code NAME.rsn} with {@code config.yaml} beside it;
 * the network is also copied into the user's style directory so {@code --style NAME} finds it.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  /** What a finished run produced. */
  public record Result(
      Path network, Path installed, long steps, double seconds, LossLog.Row last) {}

  private final TrainConfig config;
  private final Path styleDirectory;

  /**
   * @param config the run
   * @param styleDirectory where the finished network is installed (the registry's user folder)
   */
  public Trainer(TrainConfig config, Path styleDirectory) {
    this.config = config;
    this.styleDirectory = styleDirectory;
  }

  public Trainer(TrainConfig config) {
    this(config, StyleRegistry.defaultUserDirectory());
  }

  /** Trains from scratch, or continues from {@code resume} when it is not null. */
  public Result run(Checkpoint resume, Progress progress) throws IOException {
    Path out = config.output();
    Files.createDirectories(out.resolve("previews"));
    config.writeYaml(out.resolve("config.yaml"));
    Device device = Engine.getInstance().defaultDevice();
    LOG.info(
        "training '{}' on {} ({}), loss network {}",
        config.name(),
        device,
        config.architecture(),
        config.lossNetwork());
    PhotoDataset photos = PhotoDataset.load(config.photos(), config.cropSize(), config.holdout());
    BufferedImage styleImage =
        Resize.longerSide(ImageFiles.read(config.style()), config.styleSize());
    long start = resume == null ? 0 : resume.step();

    try (NDManager manager = NDManager.newBaseManager(device);
        StyleNetwork network =
            resume == null
                ? StyleNetwork.initialise(config.architecture(), device, config.seed())
                : resume.network().toNetwork(device);
        LossNetwork lossNetwork =
            LossNetworks.create(config.lossNetwork(), config.vggWeights(), device);
        PerceptualLoss loss =
            new PerceptualLoss(
                lossNetwork,
                ImageTensors.toTensor(styleImage, manager).expandDims(0),
                config.lossWeights(),
                config.styleLossKind());
        Adam adam = new Adam(manager, config.learningRate());
        LossLog log = new LossLog(out.resolve("losses.csv"), start)) {
      if (resume != null) {
        adam.restore(resume.optimiserState(), resume.step());
        LOG.info("resumed from step {}", start);
      }
      Map<String, NDArray> parameters = network.parameters();
      parameters.values().forEach(p -> p.setRequiresGradient(true));
      Stylizer previewer = new Stylizer(network);
      double elapsed =
          log.rows().isEmpty() ? 0 : log.rows().get(log.rows().size() - 1).elapsedSeconds();
      LossLog.Row last = null;
      long windowStart = System.nanoTime();
      int windowImages = 0;
      for (long step = start + 1; step <= config.steps(); step++) {
        Random random = new Random(config.seed() * 1_000_003L + step);
        float total;
        float content;
        float style;
        float tv;
        try (NDManager scope = manager.newSubManager()) {
          NDArray batch = photos.batch(scope, random, config.batchSize(), config.cropSize());
          List<NDArray> targets = loss.contentTargets(batch);
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            PerceptualLoss.Terms terms = loss.compute(network.forward(batch), targets, step);
            collector.backward(terms.total());
            total = terms.total().getFloat();
            content = terms.content().getFloat();
            style = terms.style().getFloat();
            tv = terms.totalVariation().getFloat();
          }
        }
        if (!Float.isFinite(total)) {
          throw new IllegalStateException(
              "loss became " + total + " at step " + step + ": lower the learning rate");
        }
        adam.step(parameters);
        windowImages += config.batchSize();
        double windowSeconds = (System.nanoTime() - windowStart) / 1e9;
        double rate = windowImages / windowSeconds;
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", (double) total);
        values.put("img/s", rate);
        progress.update(step, config.steps(), values);
        if (step % config.logEvery() == 0 || step == config.steps()) {
          elapsed += windowSeconds;
          last = new LossLog.Row(step, total, content, style, tv, rate, elapsed);
          log.add(last);
          windowStart = System.nanoTime();
          windowImages = 0;
        }
        if (step % config.previewEvery() == 0 || step == config.steps()) {
          BufferedImage preview = previewer.stylize(photos.photo(0), StyleOptions.DEFAULT);
          ImageFiles.write(
              preview, out.resolve("previews").resolve("step-%06d.jpg".formatted(step)));
          log.plot(out.resolve("losses.png"), "restyle train " + config.name());
        }
        if (step % config.checkpointEvery() == 0 || step == config.steps()) {
          new Checkpoint(networkFile(network), adam.state(), step, config)
              .save(out.resolve("checkpoint" + Checkpoint.EXTENSION));
        }
      }
      Path file = out.resolve(config.name() + NetworkFile.EXTENSION);
      networkFile(network).save(file);
      log.plot(out.resolve("losses.png"), "restyle train " + config.name());
      if (last != null) {
        long count =
            network.parameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
        ModelCard.write(out.resolve(config.name() + ".md"), file, config, last, count);
      }
      Files.createDirectories(styleDirectory);
      Path installed = styleDirectory.resolve(file.getFileName());
      Files.copy(file, installed, StandardCopyOption.REPLACE_EXISTING);
      config.writeYaml(styleDirectory.resolve(config.name() + ".yaml"));
      LOG.info("saved {} and installed it as style '{}'", file, config.name());
      return new Result(file, installed, config.steps(), elapsed, last);
    }
  }

  private NetworkFile networkFile(StyleNetwork network) {
    String description =
        "%s, trained by restyle on %s with the %s loss network"
            .formatted(config.name(), config.style().getFileName(), config.lossNetwork());
    return new NetworkFile(network.architecture(), description, config.toJson(), network.weights());
  }
}
