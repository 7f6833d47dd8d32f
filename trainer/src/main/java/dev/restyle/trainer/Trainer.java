package dev.restyle.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.PerceptualLoss;
import dev.restyle.engine.loss.RandomPyramidSpec;
import dev.restyle.engine.network.Architecture;
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
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private final AtomicBoolean stopRequested = new AtomicBoolean();
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

  /**
   * Asks a running {@link #run} to stop after the step in progress (Ctrl-C): it then saves the
   * network, card and checkpoint as at that step and returns; {@code --resume} goes on from there.
   */
  public void requestStop() {
    stopRequested.set(true);
  }

  /**
   * Trains from scratch, or continues from {@code resume} when it is not null. A distillation run
   * first loads its teacher and pins its SHA-256 in the config it saves; a resumed one refuses a
   * teacher whose file has changed since.
   */
  public Result run(Checkpoint resume, Progress progress) throws IOException {
    Device device = Engine.getInstance().defaultDevice();
    NetworkRef teacherRef = config.distillation() == null ? null : loadTeacher();
    TrainConfig config =
        teacherRef == null
            ? this.config
            : this.config.withDistillation(this.config.distillation().pinned(teacherRef.sha256()));
    NetworkRef initRef = resume != null || config.initFrom() == null ? null : loadInit(config);
    if (initRef != null) {
      config = config.with(Map.of("initFromSha256", initRef.sha256()));
    }
    Path out = config.output();
    Files.createDirectories(out.resolve("previews"));
    config.writeYaml(out.resolve("config.yaml"));
    LOG.info(
        "training '{}' on {} ({}), loss network {}{}",
        config.name(),
        device,
        config.architecture(),
        config.lossNetwork(),
        teacherRef == null
            ? ""
            : ", distilling " + teacherRef.label() + " (" + teacherRef.file().architecture() + ")");
    PhotoDataset photos = PhotoDataset.load(config.photos(), config.cropSize(), config.holdout());
    BufferedImage styleImage =
        StyleRegion.read(config.style(), config.styleRegion(), config.styleSize());
    long start = resume == null ? 0 : resume.step();

    try (NDManager manager = NDManager.newBaseManager(device);
        StyleNetwork network =
            resume != null
                ? resume.network().toNetwork(device)
                : initRef != null
                    ? StyleNetwork.fromWeights(
                        config.architecture(), initRef.file().weights(), device)
                    : StyleNetwork.initialise(config.architecture(), device, config.seed());
        StyleNetwork teacher = teacherRef == null ? null : teacherRef.file().toNetwork(device);
        LossNetwork lossNetwork =
            LossNetworks.create(
                config.lossNetwork(),
                config.vggWeights(),
                RandomPyramidSpec.DEFAULT,
                config.lossLayers(),
                device);
        PerceptualLoss loss =
            new PerceptualLoss(
                lossNetwork,
                ImageTensors.toTensor(styleImage, manager).expandDims(0),
                config.lossWeights(),
                config.styleLossKind(),
                config.slices());
        Adam adam = new Adam(manager, config.learningRate());
        LossLog log = new LossLog(out.resolve("losses.csv"), start)) {
      if (resume != null) {
        adam.restore(resume.optimiserState(), resume.step());
        LOG.info("resumed from step {}", start);
      }
      Map<String, NDArray> parameters = network.parameters();
      parameters.values().forEach(p -> p.setRequiresGradient(true));
      StepLoss.Stability stability = new StepLoss.Stability(config.temporalWeight(), config.seed());
      StepLoss stepLoss =
          teacher == null
              ? new StepLoss.Perceptual(loss, config.jitter(), stability, config.seed())
              : new StepLoss.Distilled(loss, teacher, config.distillation(), stability);
      GradientGuard guard = new GradientGuard(config.gradientClip());
      Stylizer previewer = new Stylizer(network);
      double elapsed =
          log.rows().isEmpty() ? 0 : log.rows().get(log.rows().size() - 1).elapsedSeconds();
      LossLog.Row last = null;
      StepLoss.Values lastValues = null;
      long windowStart = System.nanoTime();
      int windowImages = 0;
      long done = start;
      for (long step = start + 1; step <= config.steps() && !stopRequested.get(); step++) {
        Random random = new Random(config.seed() * 1_000_003L + step);
        StepLoss.Values values;
        try (NDManager scope = manager.newSubManager()) {
          NDArray batch = photos.batch(scope, random, config.batchSize(), config.cropSize());
          values = stepLoss.backward(network, batch, step);
        }
        double norm = guard.check(step, (float) values.total(), parameters);
        if (Double.isNaN(norm)) {
          LOG.warn(
              "step {}: loss {} or its gradient is not finite; step skipped", step, values.total());
          done = step;
          continue;
        }
        adam.step(parameters);
        done = step;
        lastValues = values;
        windowImages += config.batchSize();
        double windowSeconds = (System.nanoTime() - windowStart) / 1e9;
        double rate = windowImages / windowSeconds;
        Map<String, Double> shown = new LinkedHashMap<>();
        shown.put("loss", values.total());
        if (teacher != null) {
          shown.put("pixel", values.pixel());
        }
        if (stability.on()) {
          shown.put("temporal", values.temporal());
        }
        shown.put("grad", norm);
        shown.put("img/s", rate);
        progress.update(step, config.steps(), shown);
        boolean ending = step == config.steps() || stopRequested.get();
        if (step % config.logEvery() == 0 || ending) {
          elapsed += windowSeconds;
          last =
              new LossLog.Row(
                  step,
                  values.total(),
                  values.content(),
                  values.style(),
                  values.tv(),
                  rate,
                  elapsed);
          log.add(last);
          windowStart = System.nanoTime();
          windowImages = 0;
        }
        if (step % config.previewEvery() == 0 || ending) {
          BufferedImage preview = previewer.stylize(photos.photo(0), StyleOptions.DEFAULT);
          ImageFiles.write(
              preview, out.resolve("previews").resolve("step-%06d.jpg".formatted(step)));
          log.plot(out.resolve("losses.png"), "restyle train " + config.name());
        }
        if (step % config.checkpointEvery() == 0) {
          new Checkpoint(networkFile(config, network), adam.state(), step, config)
              .save(out.resolve("checkpoint" + Checkpoint.EXTENSION));
        }
      }
      if (guard.skipped() > 0 || guard.clipped() > 0) {
        LOG.warn(
            "{} steps skipped for a non-finite loss or gradient, {} gradients clipped to norm {}",
            guard.skipped(),
            guard.clipped(),
            config.gradientClip());
      }
      if (done == 0) {
        throw new IllegalStateException("stopped before the first step: nothing to save");
      }
      if (done < config.steps()) {
        LOG.info("stopped at step {} of {}: saving the network as it is", done, config.steps());
      }
      // A stopped run's network and card say how far it went; its checkpoint keeps the plan, so
      // that --resume goes on to it.
      TrainConfig trained = done < config.steps() ? config.with(Map.of("steps", done)) : config;
      Path file = out.resolve(config.name() + NetworkFile.EXTENSION);
      networkFile(trained, network).save(file);
      // Also when the last step was skipped, the checkpoint holds the final weights.
      new Checkpoint(networkFile(config, network), adam.state(), done, config)
          .save(out.resolve("checkpoint" + Checkpoint.EXTENSION));
      log.plot(out.resolve("losses.png"), "restyle train " + config.name());
      if (last != null) {
        long count =
            network.parameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
        ModelCard.write(
            out.resolve(config.name() + ".md"),
            file,
            trained,
            config.steps(),
            last,
            count,
            lastValues == null ? Double.NaN : lastValues.pixel());
      }
      Files.createDirectories(styleDirectory);
      Path installed = styleDirectory.resolve(file.getFileName());
      Files.copy(file, installed, StandardCopyOption.REPLACE_EXISTING);
      trained.writeYaml(styleDirectory.resolve(config.name() + ".yaml"));
      LOG.info("saved {} and installed it as style '{}'", file, config.name());
      return new Result(file, installed, done, elapsed, last);
    }
  }

  /**
   * The network a fine-tuning run starts from; its file and architecture (but for the upsampling
   * mode) must fit the config.
   */
  private NetworkRef loadInit(TrainConfig config) throws IOException {
    NetworkRef init =
        NetworkRef.load(config.initFrom(), StyleRegistry.withUserDirectory(styleDirectory));
    if (config.initFromSha256() != null && !config.initFromSha256().equals(init.sha256())) {
      throw new IOException(
          "initFrom '%s' has SHA-256 %s, the config pins %s"
              .formatted(config.initFrom(), init.sha256(), config.initFromSha256()));
    }
    // The upsampling mode has no weights of its own: a network learnt with one can be fine-tuned
    // with the other (to trade nearest-neighbour upsampling's grid for bilinear's smoothness).
    Architecture wanted = config.architecture();
    if (!init.file().architecture().withUpsampling(wanted.upsampling()).equals(wanted)) {
      throw new IllegalArgumentException(
          "initFrom '%s' is a %s network, the config asks for %s: pass the same width, blocks"
                  .formatted(config.initFrom(), init.file().architecture(), wanted)
              + " and layout options");
    }
    return init;
  }

  /** The teacher of a distillation run, loaded and checked against the run's pinned hash. */
  private NetworkRef loadTeacher() throws IOException {
    Distillation d = config.distillation();
    NetworkRef teacher =
        NetworkRef.load(d.teacher(), StyleRegistry.withUserDirectory(styleDirectory));
    if (d.teacherSha256() != null && !d.teacherSha256().equals(teacher.sha256())) {
      throw new IOException(
          "teacher '%s' has changed since this run started: SHA-256 %s, the run was distilling %s"
              .formatted(d.teacher(), teacher.sha256(), d.teacherSha256()));
    }
    var a = teacher.file().architecture();
    if (config.cropSize() % a.sideMultiple() != 0 || config.cropSize() < a.minimumSide()) {
      throw new IllegalArgumentException(
          "cropSize %d does not suit the teacher (%s): it needs a multiple of %d, at least %d"
              .formatted(config.cropSize(), a, a.sideMultiple(), a.minimumSide()));
    }
    return teacher;
  }

  private static NetworkFile networkFile(TrainConfig config, StyleNetwork network) {
    String description =
        config.distillation() == null
            ? "%s, trained by restyle on %s with the %s loss network"
                .formatted(config.name(), config.style().getFileName(), config.lossNetwork())
            : "%s, distilled by restyle from %s (%s)"
                .formatted(
                    config.name(), config.distillation().teacher(), config.style().getFileName());
    return new NetworkFile(network.architecture(), description, config.toJson(), network.weights());
  }
}
