package dev.restyle.engine.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.engine.image.Resize;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.util.Sha256;
import dev.restyle.engine.weights.InceptionV3Weights;
import dev.restyle.engine.weights.NpmPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real package: fetched with npm where the registry answers (CI reaches it), else skipped. The
 * tarball is kept in {@code target/} so that a second run needs no network.
 */
class NsfwjsPackageTest {
  private static Path tarball;
  private static String unavailable;

  @BeforeAll
  static void fetch() {
    Path folder = Path.of("target", "npm").toAbsolutePath();
    Path kept = folder.resolve(InceptionV3Weights.PACKAGE.tarballName());
    try {
      if (Files.isRegularFile(kept)) {
        InceptionV3Weights.PACKAGE.verify(kept);
        tarball = kept;
      } else {
        tarball = InceptionV3Weights.PACKAGE.pack(folder);
      }
    } catch (IOException e) {
      unavailable = e.getMessage();
    }
  }

  private static Path modelFolder(Path dir) throws IOException {
    assumeTrue(tarball != null, "the nsfwjs package cannot be fetched here: " + unavailable);
    NpmPackage.extract(tarball, "package/dist/models/inception_v3/", dir);
    return dir;
  }

  @Test
  void readsTheWholeModelAsTheIssueDescribesIt(@TempDir Path dir) throws IOException {
    KerasModel model = TfjsModelReader.read(modelFolder(dir).resolve("model.min.js"));
    assertEquals(318, model.layers().size());
    assertEquals(382, model.weights().size());
    long values = model.weights().values().stream().mapToLong(t -> t.data().length).sum();
    assertEquals(22_360_869L, values, "one byte per value in the shards");
    Tensor kernel = model.weights().get("conv2d_1/kernel");
    assertEquals(List.of(3L, 3L, 3L, 32L), Arrays.stream(kernel.shape()).boxed().toList());
  }

  @Test
  void conversionGivesThePinnedFile(@TempDir Path dir) throws IOException {
    assumeTrue(tarball != null, "the nsfwjs package cannot be fetched here: " + unavailable);
    Path converted = InceptionV3Weights.convert(tarball, dir);
    assertEquals(InceptionV3Weights.SHA256, Sha256.ofFile(converted));
    KerasModel model = KerasModelFile.read(converted).model();
    assertEquals("mixed5", model.layers().get(model.layers().size() - 1).name());
  }

  /**
   * The whole network, run by the interpreter at 299x299 with RGB scaled to [-1, 1] (Keras's
   * InceptionV3 input), calls the standard content photos 'Neutral' (class 2 of Drawing, Hentai,
   * Neutral, Porn, Sexy): a wrong decoding, layout or padding anywhere in 318 layers would not.
   */
  @Test
  void classifiesTheContentPhotosAsNeutral(@TempDir Path dir) throws IOException {
    Path shared =
        Path.of(
            System.getProperty(
                "restyle.sharedData",
                Path.of("").toAbsolutePath().resolve("../../shared/data").normalize().toString()));
    assumeTrue(Files.isDirectory(shared.resolve("content")), "no shared data at " + shared);
    KerasModel model = TfjsModelReader.read(modelFolder(dir).resolve("model.min.js"));
    try (KerasGraph graph = new KerasGraph(model, List.of("dense_3"), Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (String photo : List.of("chicago.jpg", "amber.jpg")) {
        var image = Resize.to(ImageFiles.read(shared.resolve("content").resolve(photo)), 299, 299);
        NDArray x = ImageTensors.toTensor(image, manager).expandDims(0).div(127.5f).sub(1f);
        float[] p = graph.forward(x).get("dense_3").toFloatArray();
        assertEquals(5, p.length);
        assertTrue(p[2] > 0.9f, photo + ": class probabilities " + Arrays.toString(p));
      }
    }
  }
}
