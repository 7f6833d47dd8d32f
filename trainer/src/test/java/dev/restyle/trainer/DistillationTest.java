package dev.restyle.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.optim.Progress;
import dev.restyle.engine.util.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillationTest {
  private static final Device CPU = Device.cpu();

  @TempDir static Path inputs;
  private static Path style;
  private static Path photos;
  private static Path teacher;

  @TempDir Path dir;

  /** Seven photos (one held out) and a tiny teacher with Johnson's layout, trained on them. */
  @BeforeAll
  static void createInputs() throws IOException {
    photos = Files.createDirectory(inputs.resolve("photos"));
    for (int i = 0; i < 7; i++) {
      TestImages.write(TestImages.photo(48, 48, i), photos.resolve("photo-" + i + ".png"));
    }
    style = TestImages.write(TestImages.stripes(48, 48, 6), inputs.resolve("style.png"));
    TrainConfig teacherConfig =
        TrainConfigs.from(TrainConfig.defaults("teacher", style, photos))
            .set("output", inputs.resolve("teacher-run"))
            .set("steps", 30)
            .set("batchSize", 2)
            .set("cropSize", 32)
            .set("styleSize", 48)
            .set("width", 0.25)
            .set("residualBlocks", 1)
            .set("previewEvery", 100)
            .set("checkpointEvery", 100)
            .set("holdout", 1)
            .build();
    teacher =
        new Trainer(teacherConfig, inputs.resolve("teacher-styles"))
            .run(null, Progress.NONE)
            .network();
  }

  /** A faster-preset student distilled from the teacher on 32 px crops. */
  private static TrainConfig config(Path output, int steps, int checkpointEvery) {
    return TrainConfigs.from(TrainConfig.defaults("student", style, photos))
        .set("output", output)
        .set("steps", steps)
        .set("batchSize", 2)
        .set("cropSize", 32)
        .set("styleSize", 48)
        .set("learningRate", 3e-3)
        .set("logEvery", 5)
        .set("previewEvery", 100)
        .set("checkpointEvery", checkpointEvery)
        .set("holdout", 1)
        .set("gradientClip", 50.0)
        .build()
        .withArchitecture(NetworkPreset.FASTER.architecture())
        .withDistillation(Distillation.from(teacher.toString()));
  }

  @Test
  void theStudentsDistanceToTheTeacherFalls() throws IOException {
    Path out = dir.resolve("run");
    TrainConfig config = config(out, 40, 40);
    List<Double> pixels = new ArrayList<>();
    Trainer.Result result =
        new Trainer(config, dir.resolve("styles"))
            .run(null, (step, total, values) -> pixels.add(values.get("pixel")));
    assertEquals(40, pixels.size());

    double before;
    try (StyleNetwork initial =
        StyleNetwork.initialise(config.architecture(), CPU, config.seed())) {
      before = distanceToTeacher(initial);
    }
    NetworkFile saved = NetworkFile.load(result.network());
    double after;
    try (StyleNetwork trained = saved.toNetwork(CPU)) {
      after = distanceToTeacher(trained);
    }
    assertTrue(
        after < 0.5 * before,
        "mean squared distance to the teacher on the training photos fell from "
            + before
            + " to "
            + after);

    assertEquals(NetworkPreset.FASTER.architecture(), saved.architecture());
    TrainConfig recorded = TrainConfig.fromJson(saved.trainingConfig());
    assertEquals(Sha256.ofFile(teacher), recorded.distillation().teacherSha256(), "pinned");
    assertEquals(config.withDistillation(recorded.distillation()), recorded);
    assertEquals(recorded, TrainConfig.readYaml(out.resolve("config.yaml")));
    assertTrue(saved.description().contains("distilled"), saved.description());
    String card = Files.readString(out.resolve("student.md"));
    assertTrue(card.contains("Distilled from `" + teacher + "`"), card);
  }

  @Test
  void resumesFromTheCheckpointAloneAndRefusesAChangedTeacher() throws IOException {
    Path out = dir.resolve("run");
    Path styles = dir.resolve("styles");
    new Trainer(config(out, 4, 2), styles).run(null, Progress.NONE);
    Checkpoint checkpoint = Checkpoint.load(out.resolve("checkpoint.ckpt"));
    assertEquals(4, checkpoint.step());
    Distillation pinned = checkpoint.config().distillation();
    assertEquals(Sha256.ofFile(teacher), pinned.teacherSha256());

    TrainConfig longer = TrainConfigs.from(checkpoint.config()).set("steps", 6).build();
    List<Long> steps = new ArrayList<>();
    new Trainer(longer, styles).run(checkpoint, (step, total, values) -> steps.add(step));
    assertEquals(List.of(5L, 6L), steps);
    assertEquals(6, Checkpoint.load(out.resolve("checkpoint.ckpt")).step());

    // The same checkpoint against a teacher file that has since been retrained.
    Path moved = dir.resolve("teacher.rsn");
    Files.copy(teacher, moved);
    TrainConfig elsewhere =
        longer.withDistillation(
            new Distillation(
                moved.toString(),
                pinned.teacherSha256(),
                pinned.pixelWeight(),
                pinned.featureWeight(),
                pinned.styleWeight()));
    try (StyleNetwork other = StyleNetwork.initialise(new Architecture(0.25, 1), CPU, 12)) {
      new NetworkFile(other.architecture(), "retrained", "{}", other.weights()).save(moved);
    }
    IOException e =
        assertThrows(
            IOException.class, () -> new Trainer(elsewhere, styles).run(checkpoint, Progress.NONE));
    assertTrue(e.getMessage().contains("has changed since this run started"), e.getMessage());
  }

  @Test
  void distillationSettingsAreValidated() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Distillation(" ", "ABC", -1, 0, Double.NaN));
    String m = e.getMessage();
    assertTrue(m.contains("teacher must name"), m);
    assertTrue(m.contains("teacherSha256 must be 64 lower-case hex digits, got 'ABC'"), m);
    assertTrue(m.contains("pixelWeight must be zero or more, got -1.0"), m);
    assertTrue(m.contains("styleWeight must be zero or more, got NaN"), m);
    assertTrue(m.contains("cannot both be zero"), m);
    assertNull(Distillation.from("x").teacherSha256());
  }

  @Test
  void aCropTheTeacherCannotTakeIsRefused() throws IOException {
    Path fastTeacher = dir.resolve("fast-teacher.rsn");
    Architecture fast = NetworkPreset.FAST.architecture();
    try (StyleNetwork net = StyleNetwork.initialise(fast, CPU, 3)) {
      new NetworkFile(fast, "fast", "{}", net.weights()).save(fastTeacher);
    }
    // 36 px crops suit a Johnson-layout student (multiple of 4) but not a downscaling teacher.
    TrainConfig config =
        TrainConfigs.from(config(dir.resolve("run"), 2, 2))
            .set("cropSize", 36)
            .set("downscale", 1)
            .set("edgeKernel", 9)
            .set("separable", false)
            .build()
            .withDistillation(Distillation.from(fastTeacher.toString()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Trainer(config, dir.resolve("styles")).run(null, Progress.NONE));
    assertTrue(e.getMessage().contains("does not suit the teacher"), e.getMessage());
  }

  /**
   * Mean squared difference, in [0, 1] units, of a network's output to the teacher's, both clamped
   * to [0, 255] as they are shown.
   */
  private static double distanceToTeacher(StyleNetwork student) throws IOException {
    try (NDManager manager = NDManager.newBaseManager(CPU);
        StyleNetwork t = NetworkFile.load(teacher).toNetwork(CPU)) {
      List<NDArray> crops = new ArrayList<>();
      for (Path file : PhotoSplit.of(photos, 1).training()) {
        crops.add(ImageTensors.toTensor(ImageFiles.read(file), manager).get(":, 8:40, 8:40"));
      }
      NDArray batch = NDArrays.stack(new NDList(crops));
      NDArray taught = t.forward(batch).clip(0, 255);
      return student.forward(batch).clip(0, 255).sub(taught).square().mean().getFloat()
          / (255.0 * 255.0);
    }
  }
}
