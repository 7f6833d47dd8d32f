package dev.restyle.ingest.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one YAML mapping, collecting problems (wrong type, unknown field) by path
 * instead of stopping at the first; a field with a problem reads as its default.
 */
final class Fields {
  private final JsonNode node;
  private final String path;
  private final List<String> problems;
  private final Set<String> known = new LinkedHashSet<>();

  Fields(JsonNode node, String path, List<String> problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  private String at(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private JsonNode get(String name) {
    known.add(name);
    JsonNode value = node == null ? null : node.get(name);
    return value == null || value.isNull() ? null : value;
  }

  boolean has(String name) {
    return get(name) != null;
  }

  String string(String name, String fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isValueNode()) {
      problems.add(at(name) + ": expected text, got " + kind(v));
      return fallback;
    }
    return v.asText();
  }

  Integer integer(String name, Integer fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      problems.add(at(name) + ": expected a whole number, got " + shown(v));
      return fallback;
    }
    return v.intValue();
  }

  double decimal(String name, double fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isNumber()) {
      problems.add(at(name) + ": expected a number, got " + shown(v));
      return fallback;
    }
    return v.doubleValue();
  }

  boolean bool(String name, boolean fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isBoolean()) {
      problems.add(at(name) + ": expected true or false, got " + shown(v));
      return fallback;
    }
    return v.booleanValue();
  }

  Duration duration(String name, Duration fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Durations.parse(v.isValueNode() ? v.asText() : v.toString());
    } catch (IllegalArgumentException e) {
      problems.add(at(name) + ": " + e.getMessage());
      return fallback;
    }
  }

  /** An enum written in lower case with dashes ({@code drop-oldest}) or as its constant. */
  <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    String text = v.asText().strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(text)) {
        return constant;
      }
    }
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    problems.add(at(name) + ": must be one of " + String.join(", ", names) + ", got " + shown(v));
    return fallback;
  }

  /** A mapping of text to text (e.g. FFmpeg options). */
  Map<String, String> strings(String name) {
    JsonNode v = get(name);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!v.isObject()) {
      problems.add(at(name) + ": expected a mapping of names to values, got " + kind(v));
      return out;
    }
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isValueNode()) {
        problems.add(at(name) + "." + e.getKey() + ": expected a plain value");
      } else {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  /** Whether the field is there and is {@code true} or {@code false} (not a mapping, say). */
  boolean isBoolean(String name) {
    JsonNode v = get(name);
    return v != null && v.isBoolean();
  }

  /** A nested mapping; an absent one reads as empty. */
  Fields object(String name) {
    JsonNode v = get(name);
    if (v != null && !v.isObject()) {
      problems.add(at(name) + ": expected a mapping of fields, got " + kind(v));
      v = null;
    }
    return new Fields(v, at(name), problems);
  }

  /** Reports the fields present that nothing read: misspelt or misplaced. */
  void rejectUnknown() {
    if (node == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      if (!known.contains(name)) {
        problems.add(at(name) + ": unknown field (known here: " + String.join(", ", known) + ")");
      }
    }
  }

  private static String kind(JsonNode v) {
    return v.isArray() ? "a list" : v.isObject() ? "a mapping" : shown(v);
  }

  private static String shown(JsonNode v) {
    return v.isTextual() ? "'" + v.asText() + "'" : v.toString();
  }
}
