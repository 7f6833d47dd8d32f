package dev.restyle.trainer.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of {@link Evaluator#run}: every network's losses on the same photos under one loss
 * network, per photo and as medians.
 *
 * @param lossNetwork name of the loss network
 * @param style the style image the style loss is measured against
 * @param styleSize longer side the style image was resized to
 * @param contentWeight weight of the content term in {@code total}
 * @param styleWeight weight of the style term in {@code total}
 * @param tvWeight weight of the total-variation term in {@code total}
 * @param size longer side the photos were resized to
 * @param photos the photos evaluated, in order (unreadable ones left out)
 * @param skipped photos that could not be read
 * @param networks one score per network, in the order given
 */
public record Evaluation(
    String lossNetwork,
    String style,
    int styleSize,
    double contentWeight,
    double styleWeight,
    double tvWeight,
    int size,
    List<String> photos,
    int skipped,
    List<Score> networks) {

  /**
   * One network's results.
   *
   * @param label short name
   * @param reference the style name or file it was loaded from
   * @param sha256 SHA-256 of its network file
   * @param architecture its layout
   * @param parameters learnt parameters
   * @param style median style loss over the photos
   * @param content median content loss
   * @param total median weighted total (content, style and total variation)
   * @param msPerImage median wall time of one pass, photo tensor in, 8-bit image out
   * @param perPhoto the losses and time of each photo, in the order of {@link #photos}
   */
  public record Score(
      String label,
      String reference,
      String sha256,
      String architecture,
      long parameters,
      double style,
      double content,
      double total,
      double msPerImage,
      List<PhotoScore> perPhoto) {}

  /**
   * One network on one photo.
   *
   * @param style style loss
   * @param content content loss
   * @param tv total-variation loss
   * @param total weighted total
   * @param ms wall time of the pass
   */
  public record PhotoScore(double style, double content, double tv, double total, double ms) {}

  public void writeJson(Path path) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(path.toFile(), this);
  }
}
