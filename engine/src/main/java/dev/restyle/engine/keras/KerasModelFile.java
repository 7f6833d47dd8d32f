package dev.restyle.engine.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.TensorFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keras model in restyle's weights format: the safetensors layout of {@link TensorFile} (float32
 * weights under their Keras names), with the layers' topology as JSON in the metadata, so that one
 * file is enough to rebuild the graph.
 */
public final class KerasModelFile {
  static final String FORMAT = "restyle-keras/1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasModelFile() {}

  /**
   * Writes {@code model}; the same model and notes always give the same bytes.
   *
   * @param notes extra metadata (where the weights come from, their licence, ...)
   */
  public static void write(Path path, KerasModel model, Map<String, String> notes)
      throws IOException {
    ArrayNode layers = JSON.createArrayNode();
    for (KerasLayer layer : model.layers()) {
      ObjectNode node = layers.addObject();
      node.put("name", layer.name());
      node.put("class_name", layer.className());
      node.set("config", layer.config());
      ArrayNode inputs = node.putArray("inputs");
      layer.inputs().forEach(inputs::add);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", FORMAT);
    metadata.putAll(notes);
    metadata.put("keras_layers", JSON.writeValueAsString(layers));
    TensorFile.write(path, model.weights(), metadata);
  }

  /** A file and its notes. */
  public record Contents(KerasModel model, Map<String, String> notes) {}

  /**
   * Reads a file written by {@link #write}.
   *
   * @throws CorruptFileException if it is not one, or it has been altered
   */
  public static Contents read(Path path) throws IOException {
    TensorFile.Contents contents = TensorFile.read(path);
    Map<String, String> notes = new LinkedHashMap<>(contents.metadata());
    if (!FORMAT.equals(notes.remove("format"))) {
      throw new CorruptFileException(path, "not a Keras model file (format is not " + FORMAT + ")");
    }
    String layersJson = notes.remove("keras_layers");
    if (layersJson == null) {
      throw new CorruptFileException(path, "has no keras_layers in its metadata");
    }
    try {
      List<KerasLayer> layers = new ArrayList<>();
      for (JsonNode node : JSON.readTree(layersJson)) {
        List<String> inputs = new ArrayList<>();
        node.path("inputs").forEach(i -> inputs.add(i.asText()));
        layers.add(
            new KerasLayer(
                node.path("name").asText(),
                node.path("class_name").asText(),
                node.path("config"),
                inputs));
      }
      return new Contents(new KerasModel(layers, contents.tensors()), notes);
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptFileException(path, "unreadable Keras topology: " + e.getMessage());
    }
  }
}
