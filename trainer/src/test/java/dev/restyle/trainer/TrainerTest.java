package dev.restyle.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.restyle.engine.TestImages;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.image.Resize;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.PerceptualLoss;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.network.Upsampling;
import dev.restyle.engine.optim.Progress;
import dev.restyle.engine.registry.StyleRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final Device CPU = Device.cpu();
  private static final String NAME = "tiny";

  @TempDir static Path inputs;
  private static Path style;
  private static Path photos;

  @TempDir Path dir;

  @BeforeAll
  static void createInputs() throws IOException {
    photos = Files.createDirectory(inputs.resolve("photos"));
    // Six training photos and a seventh, last in name order, held out.
    for (int i = 0; i < 7; i++) {
      String name = "photo-" + i + (i % 2 == 0 ? ".png" : ".jpg");
      TestImages.write(TestImages.photo(48, 48, i), photos.resolve(name));
    }
    style = TestImages.write(TestImages.photo(48, 48, 99), inputs.resolve("style.png"));
  }

  /** A network small enough to train in seconds: 32x32 crops, width 0.25, one residual block. */
  private static TrainConfig config(Path output, int steps, int checkpointEvery) {
    return TrainConfigs.from(TrainConfig.defaults(NAME, style, photos))
        .set("output", output)
        .set("steps", steps)
        .set("batchSize", 2)
        .set("cropSize", 32)
        .set("styleSize", 48)
        .set("learningRate", 1e-3)
        .set("width", 0.25)
        .set("residualBlocks", 1)
        .set("logEvery", 5)
        .set("previewEvery", 20)
        .set("checkpointEvery", checkpointEvery)
        .set("holdout", 1)
        .build();
  }

  @Test
  void trainsSavesAndInstallsANetwork() throws IOException {
    Path out = dir.resolve("run");
    Path styles = dir.resolve("styles");
    TrainConfig config = config(out, 40, 20);
    List<Long> steps = new ArrayList<>();
    Progress progress =
        (step, total, values) -> {
          steps.add(step);
          assertEquals(40, total);
          assertTrue(Double.isFinite(values.get("loss")), "loss at step " + step);
        };

    Trainer.Result result = new Trainer(config, styles).run(null, progress);

    assertEquals(40, steps.size());
    assertEquals(40L, steps.get(39));
    assertEquals(40, result.steps());
    assertEquals(40, result.last().step());

    List<double[]> rows = lossRows(out.resolve("losses.csv"));
    assertEquals(8, rows.size(), "a row every 5 steps");
    float before =
        lossOnAllPhotos(StyleNetwork.initialise(config.architecture(), CPU, config.seed()), config);
    float after =
        lossOnAllPhotos(NetworkFile.load(out.resolve(NAME + ".rsn")).toNetwork(CPU), config);
    assertTrue(after < 0.9f * before, "loss on all photos fell from " + before + " to " + after);

    Path network = out.resolve(NAME + NetworkFile.EXTENSION);
    assertEquals(network, result.network());
    for (String file : List.of("config.yaml", "losses.csv", "checkpoint.ckpt")) {
      assertTrue(Files.isRegularFile(out.resolve(file)), file);
    }
    assertEquals(config, TrainConfig.readYaml(out.resolve("config.yaml")));
    BufferedImage plot = ImageIO.read(out.resolve("losses.png").toFile());
    assertTrue(plot.getWidth() > 100 && plot.getHeight() > 100, "a plot");
    for (String preview : List.of("step-000020.jpg", "step-000040.jpg")) {
      BufferedImage image = ImageIO.read(out.resolve("previews").resolve(preview).toFile());
      assertEquals(48, image.getWidth(), preview + " is the first photo, stylised");
    }

    NetworkFile saved = NetworkFile.load(network);
    assertEquals(new Architecture(0.25, 1), saved.architecture());
    assertTrue(saved.description().contains(NAME), saved.description());
    assertEquals(config, TrainConfig.fromJson(saved.trainingConfig()));

    Path installed = styles.resolve(NAME + NetworkFile.EXTENSION);
    assertEquals(installed, result.installed());
    assertArrayEquals(Files.readAllBytes(network), Files.readAllBytes(installed));
    assertEquals(saved.weights(), StyleRegistry.withUserDirectory(styles).load(NAME).weights());

    Checkpoint checkpoint = Checkpoint.load(out.resolve("checkpoint.ckpt"));
    assertEquals(40, checkpoint.step());
    assertEquals(config, checkpoint.config());
    assertEquals(1, checkpoint.config().holdout(), "the split is saved in the checkpoint");
    assertEquals(saved.weights(), checkpoint.network().weights());
    assertEquals(2 * saved.weights().size(), checkpoint.optimiserState().size(), "Adam's m and v");
  }

  /**
   * The same config with the loss network's input jittered and the stability term on, so resuming
   * must redraw the same offsets, motion and noise.
   */
  private static TrainConfig jittered(TrainConfig config) {
    return TrainConfigs.from(config).set("jitter", 3).set("temporalWeight", 10.0).build();
  }

  @Test
  void resumedRunEndsWhereAnUninterruptedOneDoes() throws IOException {
    Path styles = dir.resolve("styles");
    Path resumedRun = dir.resolve("resumed");
    new Trainer(jittered(config(resumedRun, 6, 3)), styles).run(null, Progress.NONE);
    Checkpoint checkpoint = Checkpoint.load(resumedRun.resolve("checkpoint.ckpt"));
    assertEquals(6, checkpoint.step());

    List<Long> resumedSteps = new ArrayList<>();
    new Trainer(jittered(config(resumedRun, 10, 3)), styles)
        .run(checkpoint, (step, total, values) -> resumedSteps.add(step));
    assertEquals(List.of(7L, 8L, 9L, 10L), resumedSteps, "continues after the checkpoint");

    Path straightRun = dir.resolve("straight");
    new Trainer(jittered(config(straightRun, 10, 3)), styles).run(null, Progress.NONE);
    Path unjitteredRun = dir.resolve("unjittered");
    new Trainer(config(unjitteredRun, 10, 3), styles).run(null, Progress.NONE);

    Map<String, Tensor> resumed = NetworkFile.load(resumedRun.resolve("tiny.rsn")).weights();
    Map<String, Tensor> straight = NetworkFile.load(straightRun.resolve("tiny.rsn")).weights();
    assertEquals(straight.keySet(), resumed.keySet());
    straight.forEach(
        (name, t) -> assertArrayEquals(t.data(), resumed.get(name).data(), 1e-5f, name));
    Map<String, Tensor> unjittered = NetworkFile.load(unjitteredRun.resolve("tiny.rsn")).weights();
    assertFalse(
        straight.keySet().stream()
            .allMatch(n -> Arrays.equals(straight.get(n).data(), unjittered.get(n).data())),
        "jitter changed nothing");

    List<double[]> log = lossRows(resumedRun.resolve("losses.csv"));
    assertEquals(List.of(5.0, 6.0, 10.0), log.stream().map(r -> r[0]).toList(), "log kept");
  }

  @Test
  void aStoppedRunSavesWhereItStoppedAndResumesToThePlan() throws IOException {
    Path out = dir.resolve("stopped");
    Path styles = dir.resolve("styles");
    TrainConfig config = config(out, 10, 20);
    Trainer trainer = new Trainer(config, styles);
    Trainer.Result result =
        trainer.run(
            null,
            (step, total, values) -> {
              if (step == 3) {
                trainer.requestStop(); // what Ctrl-C does
              }
            });

    assertEquals(3, result.steps());
    assertEquals(3, result.last().step(), "the stopping step is logged");
    assertTrue(Files.isRegularFile(out.resolve("previews").resolve("step-000003.jpg")));
    NetworkFile saved = NetworkFile.load(result.network());
    assertEquals(3, TrainConfig.fromJson(saved.trainingConfig()).steps(), "what was trained");
    String card = Files.readString(out.resolve(NAME + ".md"));
    assertTrue(card.contains("Stopped at step 3 of the 10 planned"), card);
    Checkpoint checkpoint = Checkpoint.load(out.resolve("checkpoint.ckpt"));
    assertEquals(3, checkpoint.step());
    assertEquals(config, checkpoint.config(), "the checkpoint keeps the plan");
    assertEquals(saved.weights(), checkpoint.network().weights());

    List<Long> resumed = new ArrayList<>();
    Trainer.Result finished =
        new Trainer(checkpoint.config(), styles)
            .run(checkpoint, (step, total, values) -> resumed.add(step));
    assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L, 10L), resumed);
    assertEquals(10, finished.steps());
    assertFalse(Files.readString(out.resolve(NAME + ".md")).contains("Stopped"));
  }

  @Test
  void trainsAFastNetwork() throws IOException {
    Path out = dir.resolve("fast");
    Architecture faster = NetworkPreset.FASTER.architecture();
    TrainConfig config = config(out, 4, 4).withArchitecture(faster);
    Trainer.Result result = new Trainer(config, dir.resolve("styles")).run(null, Progress.NONE);
    assertTrue(Double.isFinite(result.last().total()), "a finite loss");
    NetworkFile saved = NetworkFile.load(result.network());
    assertEquals(faster, saved.architecture());
    assertEquals(config, TrainConfig.fromJson(saved.trainingConfig()));
    assertTrue(
        Files.readString(out.resolve(NAME + ".md")).contains("separable residual blocks"),
        "the card names the fast layout");
  }

  @Test
  void fineTunesFromANetworkWithOtherUpsamplingButRefusesAnotherLayout() throws IOException {
    Path styles = dir.resolve("styles");
    Path first =
        new Trainer(config(dir.resolve("nearest"), 2, 2), styles)
            .run(null, Progress.NONE)
            .network();
    NetworkFile start = NetworkFile.load(first);
    assertEquals(Upsampling.NEAREST, start.architecture().upsampling());

    TrainConfig tune =
        TrainConfigs.from(config(dir.resolve("bilinear"), 1, 1))
            .set("upsampling", Upsampling.BILINEAR)
            .set("learningRate", 1e-7)
            .set("initFrom", first.toString())
            .build();
    NetworkFile tuned =
        NetworkFile.load(new Trainer(tune, styles).run(null, Progress.NONE).network());
    assertEquals(start.architecture().withUpsampling(Upsampling.BILINEAR), tuned.architecture());
    assertEquals(start.weights().keySet(), tuned.weights().keySet());
    start
        .weights()
        .forEach(
            (name, tensor) ->
                assertArrayEquals(tensor.data(), tuned.weights().get(name).data(), 1e-4f, name));

    TrainConfig wider =
        TrainConfigs.from(config(dir.resolve("wider"), 1, 1))
            .set("width", 0.5)
            .set("initFrom", first.toString())
            .build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Trainer(wider, styles).run(null, Progress.NONE));
    assertTrue(e.getMessage().contains("same width"), e.getMessage());
  }

  @Test
  void corruptCheckpointIsRefused() throws IOException {
    Path out = dir.resolve("run");
    new Trainer(config(out, 2, 2), dir.resolve("styles")).run(null, Progress.NONE);
    Path file = out.resolve("checkpoint.ckpt");
    Checkpoint.load(file);

    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 100] ^= 0x10;
    Files.write(file, bytes);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> Checkpoint.load(file));
    assertTrue(e.getMessage().contains("hash"), e.getMessage());

    CorruptFileException notACheckpoint =
        assertThrows(CorruptFileException.class, () -> Checkpoint.load(out.resolve("tiny.rsn")));
    assertTrue(
        notACheckpoint.getMessage().contains("not a checkpoint"), notACheckpoint.getMessage());
  }

  /**
   * The perceptual loss of a network's output over every training photo: the rows of the loss log
   * are single random batches, too noisy to compare after a few steps.
   */
  private static float lossOnAllPhotos(StyleNetwork network, TrainConfig config)
      throws IOException {
    try (network;
        NDManager manager = NDManager.newBaseManager(CPU);
        LossNetwork lossNetwork = LossNetworks.create(config.lossNetwork(), null, CPU)) {
      BufferedImage styleImage =
          Resize.longerSide(ImageFiles.read(config.style()), config.styleSize());
      try (PerceptualLoss loss =
          new PerceptualLoss(
              lossNetwork,
              ImageTensors.toTensor(styleImage, manager).expandDims(0),
              config.lossWeights(),
              config.styleLossKind())) {
        List<NDArray> photoTensors = new ArrayList<>();
        try (var files = Files.list(photos)) {
          for (Path file : files.sorted().toList()) {
            photoTensors.add(ImageTensors.toTensor(ImageFiles.read(file), manager));
          }
        }
        NDArray batch = NDArrays.stack(new NDList(photoTensors));
        return loss.compute(network.forward(batch), loss.contentTargets(batch), 0)
            .total()
            .getFloat();
      }
    }
  }

  /** The rows of a losses.csv as numbers, header dropped. */
  private static List<double[]> lossRows(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    assertEquals(LossLog.HEADER, lines.get(0));
    List<double[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",");
      double[] row = new double[fields.length];
      for (int i = 0; i < fields.length; i++) {
        row[i] = Double.parseDouble(fields[i]);
      }
      rows.add(row);
    }
    return rows;
  }
}
