package dev.restyle.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Training a student network to reproduce a trained teacher's output on the same crops (Hinton et
 * al. 2015, applied to image-to-image networks). The loss of a step is
 *
 * <pre>
 *   pixelWeight   * mean squared pixel difference to the teacher's output (in units of [0, 1])
 * + featureWeight * content-layer distance to the teacher's output under the loss network
 *                   (normalised by the teacher's feature energy, as the content loss is)
 * + styleWeight   * the usual style loss against the style image
 * </pre>
 *
 * <p>The run's {@code contentWeight}, {@code styleWeight} and {@code tvWeight} are not used while
 * distilling: they keep the teacher's values and say which perceptual loss the student is judged by
 * ({@code restyle evaluate}).
 *
 * @param teacher the teacher: a style name or a {@code .rsn} file
 * @param teacherSha256 SHA-256 of the teacher's network file; null until the trainer pins it at the
 *     start of the run, after which a changed teacher is refused
 * @param pixelWeight weight of the pixel distance
 * @param featureWeight weight of the feature distance
 * @param styleWeight weight of the style loss (0: none)
 */
public record Distillation(
    String teacher,
    String teacherSha256,
    double pixelWeight,
    double featureWeight,
    double styleWeight) {

  public static final double DEFAULT_PIXEL_WEIGHT = 10;
  public static final double DEFAULT_FEATURE_WEIGHT = 1;
  public static final double DEFAULT_STYLE_WEIGHT = 0;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public Distillation {
    List<String> problems = new ArrayList<>();
    if (teacher == null || teacher.isBlank()) {
      problems.add("distillation.teacher must name a style or a .rsn file");
    }
    if (teacherSha256 != null && !SHA256.matcher(teacherSha256).matches()) {
      problems.add(
          "distillation.teacherSha256 must be 64 lower-case hex digits, got '"
              + teacherSha256
              + "'");
    }
    weight(problems, "pixelWeight", pixelWeight);
    weight(problems, "featureWeight", featureWeight);
    weight(problems, "styleWeight", styleWeight);
    if (!(pixelWeight + featureWeight > 0)) {
      problems.add("distillation.pixelWeight and featureWeight cannot both be zero");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid distillation config: " + String.join("; ", problems));
    }
  }

  /** Distillation from {@code teacher} with the default weights, not yet pinned. */
  public static Distillation from(String teacher) {
    return new Distillation(
        teacher, null, DEFAULT_PIXEL_WEIGHT, DEFAULT_FEATURE_WEIGHT, DEFAULT_STYLE_WEIGHT);
  }

  /** The same distillation with the teacher's hash recorded. */
  public Distillation pinned(String sha256) {
    return new Distillation(teacher, sha256, pixelWeight, featureWeight, styleWeight);
  }

  private static void weight(List<String> problems, String field, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      problems.add("distillation." + field + " must be zero or more, got " + value);
    }
  }
}
