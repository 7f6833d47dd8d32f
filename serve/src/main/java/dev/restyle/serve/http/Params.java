package dev.restyle.serve.http;

import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.temporal.TemporalSettings;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** Parsing of the request options shared by images and jobs, each refused with a clear 400. */
public final class Params {
  private Params() {}

  /** The {@code style} parameter (required). */
  public static String style(Context ctx) {
    return Uploads.param(ctx, "style")
        .orElseThrow(
            () ->
                ApiException.badRequest("the 'style' parameter is missing (see GET /api/styles)"));
  }

  /** {@code strength} (0 to 1, default 1) and {@code preserve_colours} (default false). */
  public static StyleOptions options(Context ctx) {
    return options(name -> Uploads.param(ctx, name));
  }

  /** The same from any source of named values (a pipeline's options). */
  public static StyleOptions options(Function<String, Optional<String>> lookup) {
    float strength =
        lookup
            .apply("strength")
            .map(
                v -> {
                  try {
                    return Float.parseFloat(v);
                  } catch (NumberFormatException e) {
                    throw ApiException.badRequest("strength must be a number, got '" + v + "'");
                  }
                })
            .orElse(1f);
    if (!(strength >= 0 && strength <= 1)) {
      throw ApiException.badRequest("strength must be between 0 and 1, got " + strength);
    }
    boolean preserve = bool(lookup, "preserve_colours").orElse(false);
    return new StyleOptions(strength, preserve);
  }

  /**
   * Temporal stabilisation of a pipeline's video: the {@code temporal} option, on unless false (as
   * {@code restyle video} without {@code --no-temporal}).
   */
  public static TemporalSettings temporal(Function<String, Optional<String>> lookup) {
    return bool(lookup, "temporal").orElse(true) ? TemporalSettings.DEFAULT : TemporalSettings.OFF;
  }

  /** An optional boolean: true/false, 1/0, yes/no, on/off. */
  public static Optional<Boolean> bool(Context ctx, String name) {
    return bool(n -> Uploads.param(ctx, n), name);
  }

  private static Optional<Boolean> bool(Function<String, Optional<String>> lookup, String name) {
    return lookup
        .apply(name)
        .map(
            v ->
                switch (v.toLowerCase(Locale.ROOT)) {
                  case "true", "1", "yes", "on" -> true;
                  case "false", "0", "no", "off" -> false;
                  default ->
                      throw ApiException.badRequest(
                          name + " must be true or false, got '" + v + "'");
                });
  }

  /** An optional integer within bounds. */
  public static Optional<Integer> integer(Context ctx, String name, int min, int max) {
    return Uploads.param(ctx, name)
        .map(
            v -> {
              int value;
              try {
                value = Integer.parseInt(v.trim());
              } catch (NumberFormatException e) {
                throw ApiException.badRequest(name + " must be a whole number, got '" + v + "'");
              }
              if (value < min || value > max) {
                throw ApiException.badRequest(
                    name + " must be between " + min + " and " + max + ", got " + value);
              }
              return value;
            });
  }
}
