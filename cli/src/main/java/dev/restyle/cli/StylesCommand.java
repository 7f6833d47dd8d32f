package dev.restyle.cli;

import dev.restyle.engine.registry.StyleEntry;
import dev.restyle.engine.registry.StyleRegistry;
import picocli.CommandLine.Command;

/** {@code restyle styles}: lists the styles the registry knows. */
@Command(name = "styles", description = "List the available styles (bundled and your own).")
final class StylesCommand implements Runnable {
  @Override
  public void run() {
    StyleRegistry registry = StyleRegistry.standard();
    for (StyleEntry e : registry.list()) {
      System.out.printf(
          "%-16s %-8s %s%n",
          e.name(), e.origin().name().toLowerCase(java.util.Locale.ROOT), e.description());
    }
    System.out.println("(your styles live in " + registry.userDirectory() + ")");
  }
}
