package dev.restyle.trainer;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.network.TensorFile;
import dev.restyle.engine.optim.Adam;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint: the network (architecture and weights, as in a network file), the Adam
 * state, the step and the full training config, in one verified file. A run resumes from this file
 * alone.
 *
 * @param network the network at {@code step}
 * @param optimiserState Adam's moment estimates
 * @param step steps completed
 * @param config the run's configuration
 */
public record Checkpoint(
    NetworkFile network, Map<String, Tensor> optimiserState, long step, TrainConfig config) {

  public static final String EXTENSION = ".ckpt";

  public void save(Path path) throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>(network.weights());
    tensors.putAll(optimiserState);
    Map<String, String> metadata = new LinkedHashMap<>(network.metadata());
    metadata.put("step", Long.toString(step));
    TensorFile.write(path, tensors, metadata);
  }

  /**
   * Reads and verifies a checkpoint.
   *
   * @throws CorruptFileException if the file is damaged or not a checkpoint
   */
  public static Checkpoint load(Path path) throws IOException {
    TensorFile.Contents contents = TensorFile.read(path);
    String step = contents.metadata().get("step");
    if (step == null) {
      throw new CorruptFileException(path, "is a network file, not a checkpoint (no step)");
    }
    NetworkFile network = NetworkFile.fromContents(path, contents);
    Map<String, Tensor> state = new LinkedHashMap<>();
    contents
        .tensors()
        .forEach(
            (k, v) -> {
              if (Adam.isStateKey(k)) {
                state.put(k, v);
              }
            });
    TrainConfig config;
    try {
      config = TrainConfig.fromJson(network.trainingConfig());
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptFileException(path, "unreadable training config: " + e.getMessage());
    }
    return new Checkpoint(network, state, Long.parseLong(step), config);
  }
}
