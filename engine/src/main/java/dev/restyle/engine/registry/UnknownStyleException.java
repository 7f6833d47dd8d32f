package dev.restyle.engine.registry;

import java.util.List;

/** A style name the registry does not know. */
public class UnknownStyleException extends IllegalArgumentException {
  public UnknownStyleException(String name, List<String> known) {
    super(
        "unknown style '"
            + name
            + "'; "
            + (known.isEmpty()
                ? "no styles are installed"
                : "known styles: " + String.join(", ", known)));
  }
}
