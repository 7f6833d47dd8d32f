package dev.restyle.cli;

import dev.restyle.engine.registry.StyleEntry;
import dev.restyle.engine.registry.StyleRegistry;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code restyle styles}: lists the styles the registry knows. */
@Command(name = "styles", description = "List the available styles (bundled and your own).")
final class StylesCommand implements Runnable {
  @Override
  public void run() {
    StyleRegistry registry = StyleRegistry.standard();
    List<StyleEntry> styles = registry.list();
    int width = styles.stream().mapToInt(e -> e.name().length()).max().orElse(0);
    for (StyleEntry e : styles) {
      System.out.printf(
          "%-" + width + "s  %-8s %s%n",
          e.name(),
          e.origin().name().toLowerCase(Locale.ROOT),
          e.description());
    }
    System.out.println("(your styles live in " + registry.userDirectory() + ")");
  }
}
