package dev.restyle.ingest.config;

import java.util.List;

/** A pipeline config with problems: every one of them, each naming its field. */
public final class ConfigException extends IllegalArgumentException {
  private final List<String> problems;

  public ConfigException(String where, List<String> problems) {
    super(
        "invalid pipeline config"
            + (where == null ? "" : " " + where)
            + " ("
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + "): "
            + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** One message per problem, each starting with the field's path (e.g. {@code source.queue}). */
  public List<String> problems() {
    return problems;
  }
}
