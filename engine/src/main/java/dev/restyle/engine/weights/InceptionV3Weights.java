package dev.restyle.engine.weights;

import dev.restyle.engine.keras.KerasModel;
import dev.restyle.engine.keras.KerasModelFile;
import dev.restyle.engine.keras.TfjsModelReader;
import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.util.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Keras's ImageNet-trained InceptionV3 from the npm package {@code nsfwjs} 4.4.0 (MIT licence),
 * converted into restyle's weights format.
 *
 * <p>The package ships the network as a TensorFlow.js layers model (uint8-quantised) fine-tuned as
 * an image filter; every layer through {@code mixed5} is frozen, so those are ImageNet's weights,
 * and only those are kept. The conversion is deterministic: the converted file's SHA-256 is pinned
 * here, like a published file's.
 */
public final class InceptionV3Weights {
  /** The package, pinned by the registry's integrity hash. */
  public static final NpmPackage PACKAGE =
      new NpmPackage(
          "nsfwjs",
          "4.4.0",
          "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==");

  /** The model's folder inside the tarball. */
  static final String MODEL_FOLDER = "package/dist/models/inception_v3/";

  /** The model's topology module in that folder. */
  static final String MODEL_FILE = "model.min.js";

  /** The last layer kept: the end of the frozen, ImageNet-trained part. */
  public static final String LAST_LAYER = "mixed5";

  /** SHA-256 of the converted file. */
  public static final String SHA256 =
      "fab2c8331c319aa825c858c38ba55081ef71b6aa912ec72bdb61bcd7ed371a0c";

  public static final String FILE_NAME =
      "inception_v3-imagenet-" + LAST_LAYER + "-" + SHA256.substring(0, 8) + ".safetensors";

  /** The name {@code restyle weights} and {@code --loss-network} know it by. */
  public static final String NAME = "inception-v3";

  public static final WeightsSource CONVERTED =
      new WeightsSource(
          "ImageNet InceptionV3 through " + LAST_LAYER + " (from npm " + PACKAGE.spec() + ")",
          PACKAGE.tarballUrl(),
          FILE_NAME,
          SHA256,
          null,
          "restyle weights fetch " + NAME);

  private InceptionV3Weights() {}

  /** The converted file from the standard caches, or a message naming the fetch command. */
  public static Path resolve() throws IOException {
    return WeightsResolver.standard().resolve(CONVERTED, null, false);
  }

  /**
   * Gets the package (from {@code tarball}, or with {@code npm pack} when it is null), converts it
   * into restyle's weights cache and returns the converted file.
   */
  public static Path fetch(Path tarball) throws IOException {
    Path folder = WeightsResolver.defaultDownloadDirectory();
    if (tarball != null) {
      return convert(tarball, folder);
    }
    Path download = Files.createTempDirectory("restyle-npm-");
    try {
      return convert(PACKAGE.pack(download), folder);
    } finally {
      deleteTree(download);
    }
  }

  /**
   * Converts the package's network into {@code folder} and checks the result's pinned hash.
   *
   * @param tarball the package tarball, checked against its integrity first
   * @return the converted file, {@code folder/FILE_NAME}
   */
  public static Path convert(Path tarball, Path folder) throws IOException {
    PACKAGE.verify(tarball);
    Files.createDirectories(folder);
    Path work = Files.createTempDirectory(folder, ".nsfwjs-");
    try {
      NpmPackage.extract(tarball, MODEL_FOLDER, work);
      Path modelFile = work.resolve(MODEL_FILE);
      if (!Files.isRegularFile(modelFile)) {
        throw new CorruptFileException(tarball, "has no " + MODEL_FOLDER + MODEL_FILE);
      }
      KerasModel model = TfjsModelReader.read(modelFile).upTo(List.of(LAST_LAYER));
      Path converted = work.resolve(FILE_NAME);
      KerasModelFile.write(converted, model, notes());
      String actual = Sha256.ofFile(converted);
      if (!actual.equals(SHA256)) {
        throw new CorruptFileException(
            converted,
            "the conversion of "
                + PACKAGE.spec()
                + " hashes to "
                + actual
                + ", not to the pinned "
                + SHA256
                + ": the package or the converter has changed");
      }
      Path target = folder.resolve(FILE_NAME);
      Files.move(converted, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } finally {
      deleteTree(work);
    }
  }

  private static Map<String, String> notes() {
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put(
        "description",
        "Keras InceptionV3 (ImageNet weights), layers input_1 to "
            + LAST_LAYER
            + "; input RGB scaled to [-1, 1]");
    notes.put(
        "source",
        "npm package "
            + PACKAGE.spec()
            + " ("
            + PACKAGE.integrity()
            + "), "
            + MODEL_FOLDER
            + MODEL_FILE
            + ": a TensorFlow.js layers model whose layers through "
            + LAST_LAYER
            + " are frozen ImageNet weights, uint8-quantised");
    notes.put("licence", "MIT (nsfwjs); Keras Applications' ImageNet weights");
    return notes;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
