package dev.restyle.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restyle.engine.loss.InceptionLossNetwork;
import dev.restyle.engine.network.NetworkFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a network's saved training config says about the loss it was trained under, read leniently:
 * unlike {@link TrainConfig#fromJson} it does not require the style image or the photos to exist on
 * this machine, and fields it lacks are null. Networks from elsewhere carry {@code {}}.
 *
 * @param style the style image
 * @param styleSize longer side the style image was resized to
 * @param lossNetwork loss network name
 * @param vggWeights explicit VGG-16 weights, if any
 * @param contentWeight weight of the content loss
 * @param styleWeight weight of the style loss
 * @param tvWeight weight of the total-variation loss
 * @param photos training photos folder
 * @param holdout photos of that folder held out (0 for configs written before the split)
 * @param styleLoss style loss name ({@code gram} for configs written before the choice existed)
 * @param lossLayers the inception-v3 layers, if that was the loss network
 * @param styleRegion the part of the style image it was learnt from (null: all of it)
 */
public record TrainedWith(
    Path style,
    Integer styleSize,
    String lossNetwork,
    Path vggWeights,
    Double contentWeight,
    Double styleWeight,
    Double tvWeight,
    Path photos,
    Integer holdout,
    String styleLoss,
    InceptionLossNetwork.Layers lossLayers,
    StyleRegion styleRegion) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Nothing known. */
  public static final TrainedWith NONE =
      new TrainedWith(null, null, null, null, null, null, null, null, null, null, null, null);

  /**
   * @throws IOException if the config is not JSON
   */
  public static TrainedWith of(NetworkFile network) throws IOException {
    String text = network.trainingConfig();
    JsonNode c = JSON.readTree(text == null || text.isBlank() ? "{}" : text);
    if (c == null || !c.isObject()) {
      throw new IOException("the network's training config is not a JSON object");
    }
    boolean known = c.has("photos");
    return new TrainedWith(
        path(c, "style"),
        c.hasNonNull("styleSize") ? c.get("styleSize").asInt() : null,
        c.hasNonNull("lossNetwork") ? c.get("lossNetwork").asText() : null,
        path(c, "vggWeights"),
        number(c, "contentWeight"),
        number(c, "styleWeight"),
        number(c, "tvWeight"),
        path(c, "photos"),
        c.hasNonNull("holdout") ? Integer.valueOf(c.get("holdout").asInt()) : known ? 0 : null,
        c.hasNonNull("styleLoss") ? c.get("styleLoss").asText() : known ? "gram" : null,
        c.hasNonNull("lossLayers")
            ? JSON.treeToValue(c.get("lossLayers"), InceptionLossNetwork.Layers.class)
            : null,
        c.hasNonNull("styleRegion")
            ? JSON.treeToValue(c.get("styleRegion"), StyleRegion.class)
            : null);
  }

  private static Path path(JsonNode c, String field) {
    return c.hasNonNull(field) ? Path.of(c.get(field).asText()) : null;
  }

  private static Double number(JsonNode c, String field) {
    return c.hasNonNull(field) ? c.get(field).asDouble() : null;
  }
}
