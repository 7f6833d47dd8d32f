package dev.restyle.trainer.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.restyle.engine.TestImages;
import dev.restyle.engine.loss.LossNetwork;
import dev.restyle.engine.loss.LossNetworks;
import dev.restyle.engine.loss.LossWeights;
import dev.restyle.engine.loss.StyleLoss;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.trainer.NetworkRef;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
  private static final Device CPU = Device.cpu();
  private static final Architecture TINY = new Architecture(0.25, 1);
  private static final LossWeights WEIGHTS = new LossWeights(2, 3, 0.5);

  @TempDir Path dir;

  @Test
  void measuresEveryNetworkOnTheSamePhotos() throws IOException {
    List<Path> photos = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      photos.add(TestImages.write(TestImages.photo(60, 44, i), dir.resolve("p" + i + ".png")));
    }
    Path broken = dir.resolve("broken.jpg");
    Files.writeString(broken, "not an image");
    photos.add(1, broken);
    NetworkRef grey = ref("grey", greyWeights(TINY), TINY);
    NetworkRef random = ref("random", StyleNetwork.initialise(TINY, CPU, 7).weights(), TINY);
    Architecture fast = NetworkPreset.FASTER.architecture();
    NetworkRef faster = ref("faster", StyleNetwork.initialise(fast, CPU, 8).weights(), fast);

    List<List<BufferedImage>> seen = new ArrayList<>();
    Evaluation e =
        evaluate(List.of(grey, random, faster), photos, (p, in, out) -> seen.add(out), 48);

    assertEquals(List.of("p0.png", "p1.png", "p2.png"), e.photos());
    assertEquals(1, e.skipped(), "the unreadable photo is skipped and counted");
    assertEquals(3, e.networks().size());
    assertEquals(
        List.of("grey", "random", "faster"), e.networks().stream().map(s -> s.label()).toList());
    // A network whose last layer is zero paints flat grey: the structure-only content features of
    // a flat image are zero, so its normalised content loss is exactly 1, and it has no variation.
    Evaluation.Score g = e.networks().get(0);
    for (Evaluation.PhotoScore s : g.perPhoto()) {
      assertEquals(1.0, s.content(), 1e-4);
      assertEquals(0.0, s.tv(), 1e-9);
    }
    Evaluation.Score r = e.networks().get(1);
    assertNotEquals(g.content(), r.content(), 1e-3);
    for (Evaluation.Score s : e.networks()) {
      assertEquals(3, s.perPhoto().size());
      for (Evaluation.PhotoScore p : s.perPhoto()) {
        double total = 2 * p.content() + 3 * p.style() + 0.5 * p.tv();
        assertEquals(total, p.total(), 1e-4 * total, "total uses the given weights");
        assertTrue(p.ms() > 0);
      }
      assertEquals(
          Evaluator.median(s.perPhoto().stream().mapToDouble(p -> p.style()).toArray()), s.style());
      assertEquals(
          Evaluator.median(s.perPhoto().stream().mapToDouble(p -> p.total()).toArray()), s.total());
    }
    assertEquals(
        TINY.parameters().stream()
            .mapToLong(p -> Arrays.stream(p.shape()).reduce(1, Math::multiplyExact))
            .sum(),
        g.parameters());

    // 60x44 at longer side 48 is 48x35, cropped to the faster network's multiple of 8: 48x32.
    assertEquals(3, seen.size());
    for (List<BufferedImage> outputs : seen) {
      assertEquals(3, outputs.size());
      for (BufferedImage out : outputs) {
        assertEquals(48, out.getWidth());
        assertEquals(32, out.getHeight());
      }
    }

    // Each network is measured on its own: the order of the list changes nothing.
    Evaluation swapped = evaluate(List.of(random, grey), photos, Evaluator.Results.NONE, 48);
    assertEquals(r.total(), swapped.networks().get(0).total(), 1e-5 * r.total());
    assertEquals(g.total(), swapped.networks().get(1).total(), 1e-5 * g.total());
  }

  @Test
  void noReadablePhotoIsAnError() throws IOException {
    Path broken = dir.resolve("broken.png");
    Files.writeString(broken, "no");
    NetworkRef grey = ref("grey", greyWeights(TINY), TINY);
    IOException e =
        assertThrows(
            IOException.class,
            () -> evaluate(List.of(grey), List.of(broken), Evaluator.Results.NONE, 48));
    assertTrue(e.getMessage().contains("none of the 1 evaluation photos"), e.getMessage());
  }

  @Test
  void photosAreFittedToWhatTheNetworksAccept() {
    BufferedImage wide = TestImages.photo(200, 90, 1);
    BufferedImage fitted = Evaluator.fit(wide, 100, 8, 16);
    assertEquals(96, fitted.getWidth());
    assertEquals(40, fitted.getHeight());
    BufferedImage thin = Evaluator.fit(TestImages.photo(200, 10, 1), 100, 8, 16);
    assertTrue(thin.getHeight() >= 16 && thin.getHeight() % 8 == 0, "" + thin.getHeight());
    assertEquals(2.5, Evaluator.median(new double[] {4, 1, 2, 3}));
    assertEquals(3, Evaluator.median(new double[] {5, 3, 1}));
  }

  @Test
  void networksAreNamedByStyleOrFile() throws IOException {
    Path file = dir.resolve("mine.rsn");
    new NetworkFile(TINY, "mine", "{}", greyWeights(TINY)).save(file);
    NetworkRef byFile = NetworkRef.load(file.toString(), StyleRegistry.withUserDirectory(dir));
    assertEquals("mine", byFile.label());
    assertEquals(64, byFile.sha256().length());
    NetworkRef byName = NetworkRef.load("mine", StyleRegistry.withUserDirectory(dir));
    assertEquals("mine", byName.label());
    assertEquals(byFile.sha256(), byName.sha256());
    IOException missing =
        assertThrows(
            IOException.class,
            () -> NetworkRef.load(dir.resolve("gone.rsn").toString(), StyleRegistry.standard()));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  private Evaluation evaluate(
      List<NetworkRef> networks, List<Path> photos, Evaluator.Results results, int size)
      throws IOException {
    BufferedImage style = TestImages.stripes(40, 40, 5);
    try (LossNetwork loss = LossNetworks.create(LossNetworks.RANDOM_PYRAMID, null, CPU)) {
      return new Evaluator(
              loss, dir.resolve("style.png"), style, WEIGHTS, StyleLoss.SLICED_WASSERSTEIN, CPU)
          .run(networks, photos, size, results);
    }
  }

  private NetworkRef ref(String name, Map<String, Tensor> weights, Architecture a)
      throws IOException {
    Path file = dir.resolve(name + NetworkFile.EXTENSION);
    new NetworkFile(a, name, "{}", weights).save(file);
    return NetworkRef.load(file.toString(), StyleRegistry.standard());
  }

  /** Random weights but a zero output layer: the network paints every pixel 127.5. */
  private static Map<String, Tensor> greyWeights(Architecture a) {
    Map<String, Tensor> weights = new LinkedHashMap<>(StyleNetwork.initialise(a, CPU, 3).weights());
    for (String name : List.of("out.weight", "out.bias")) {
      Tensor t = weights.get(name);
      weights.put(name, new Tensor(t.shape(), new float[t.data().length]));
    }
    return weights;
  }
}
