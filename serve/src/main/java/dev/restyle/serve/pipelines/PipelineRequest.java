package dev.restyle.serve.pipelines;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a client asked for when starting a pipeline.
 *
 * @param kind the {@link PipelineKind#name()}
 * @param options the kind's options as strings (style, strength, preserve_colours, a URL, ...)
 * @param upload a file the client sent (video upload), already saved in the pipeline's folder
 */
public record PipelineRequest(String kind, Map<String, String> options, Optional<Upload> upload) {
  public PipelineRequest {
    Objects.requireNonNull(kind, "kind");
    options = Map.copyOf(options);
    Objects.requireNonNull(upload, "upload");
  }

  /** The options every kind takes: the style, how it is applied, and temporal stabilisation. */
  public static final Set<String> COMMON_OPTIONS =
      Set.of("style", "strength", "preserve_colours", "temporal");

  /** A kind's own option names together with {@link #COMMON_OPTIONS}. */
  public static Set<String> optionsWithCommon(String... own) {
    Set<String> all = new TreeSet<>(COMMON_OPTIONS);
    all.addAll(Set.of(own));
    return Set.copyOf(all);
  }

  /** An uploaded file and the name the client gave it. */
  public record Upload(Path file, String filename) {}

  /**
   * Refuses options outside {@code known}, naming them and the known ones.
   *
   * @param what the pipeline, as the message names it (e.g. "an rtsp pipeline")
   */
  public void requireOnly(Set<String> known, String what) {
    Set<String> unknown = new TreeSet<>(options.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown options for "
              + what
              + ": "
              + String.join(", ", unknown)
              + " (known: "
              + String.join(", ", new TreeSet<>(known))
              + ")");
    }
  }

  /** A required option. */
  public String require(String name) {
    String value = options.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the '" + name + "' option is missing");
    }
    return value;
  }

  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name)).filter(v -> !v.isBlank());
  }
}
