package dev.restyle.cli;

import dev.restyle.engine.stylize.StyleOptions;
import picocli.CommandLine.Option;

/** The style to apply and how: shared by the commands that stylise (image, video). */
final class StyleChoice {
  @Option(
      names = "--style",
      required = true,
      description = "style name (see 'restyle styles') or a network file (.rsn)")
  String style;

  @Option(
      names = "--strength",
      defaultValue = "1.0",
      description = "0 = the original, 1 = full style (default ${DEFAULT-VALUE})")
  float strength;

  @Option(
      names = "--preserve-colours",
      description = "keep the original's colours, take only the style's texture")
  boolean preserveColours;

  StyleOptions options() {
    return new StyleOptions(strength, preserveColours);
  }
}
