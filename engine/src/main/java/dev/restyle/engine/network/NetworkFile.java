package dev.restyle.engine.network;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * restyle's network file ({@code .rsn}): the weights of a style network, its architecture, the
 * configuration it was trained with and a SHA-256 of all of it, in the safetensors layout.
 *
 * @param architecture network shape
 * @param description one line for people (style name, what it was trained on)
 * @param trainingConfig the trainer's configuration as JSON ({@code {}} if unknown)
 * @param weights learnt tensors by name
 */
public record NetworkFile(
    Architecture architecture,
    String description,
    String trainingConfig,
    Map<String, Tensor> weights) {

  public static final String EXTENSION = ".rsn";
  static final String FORMAT = "restyle-network/1";
  private static final ObjectMapper JSON = new ObjectMapper();

  public void save(Path path) throws IOException {
    TensorFile.write(path, weights, metadata());
  }

  /** Format, architecture, description and training config as file metadata. */
  public Map<String, String> metadata() throws JsonProcessingException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("architecture", JSON.writeValueAsString(architecture));
    meta.put("description", description);
    meta.put("training_config", trainingConfig);
    return meta;
  }

  /**
   * Reads and verifies a network file.
   *
   * @throws CorruptFileException if it is not a restyle network or its hash does not match
   */
  public static NetworkFile load(Path path) throws IOException {
    return fromContents(path, TensorFile.read(path));
  }

  /** Interprets already-verified tensor file contents (also used for checkpoints). */
  public static NetworkFile fromContents(Path path, TensorFile.Contents contents)
      throws CorruptFileException {
    Map<String, String> meta = contents.metadata();
    if (!FORMAT.equals(meta.get("format"))) {
      throw new CorruptFileException(
          path, "not a restyle network (format " + meta.get("format") + ")");
    }
    Architecture architecture;
    try {
      architecture = JSON.readValue(meta.get("architecture"), Architecture.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptFileException(path, "unreadable architecture: " + e.getMessage());
    }
    Map<String, Tensor> weights = new LinkedHashMap<>();
    for (ParameterSpec spec : architecture.parameters()) {
      Tensor t = contents.tensors().get(spec.name());
      if (t == null) {
        throw new CorruptFileException(path, "missing tensor " + spec.name());
      }
      weights.put(spec.name(), t);
    }
    return new NetworkFile(
        architecture,
        meta.getOrDefault("description", ""),
        meta.getOrDefault("training_config", "{}"),
        weights);
  }

  /** Builds the network on a device. */
  public StyleNetwork toNetwork(Device device) {
    return StyleNetwork.fromWeights(architecture, weights, device);
  }
}
