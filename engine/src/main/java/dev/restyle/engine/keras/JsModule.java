package dev.restyle.engine.keras;

/**
 * Reads the one literal a JavaScript module exports: how some npm packages ship TensorFlow.js
 * models (nsfwjs wraps {@code model.json} and every weights shard in a minified browserify bundle
 * whose body is {@code n.exports={...}} or {@code e.exports="<base64>"}).
 *
 * <p>Only literals are read, never evaluated: an object literal is turned into JSON (minifiers
 * write {@code !0} and {@code !1} for true and false and {@code .5} for 0.5; keys stay unquoted,
 * which the JSON reader is told to accept).
 */
final class JsModule {
  private static final String EXPORTS = "exports=";

  private JsModule() {}

  /**
   * The object literal exported by {@code source}, as JSON text (keys may be unquoted).
   *
   * @throws IllegalArgumentException if the module exports no object literal, or it is cut short
   */
  static String exportedObject(String source) {
    int start = exportStart(source, '{');
    StringBuilder json = new StringBuilder(source.length() - start);
    int depth = 0;
    for (int i = start; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '"' || c == '\'') {
        i = copyString(source, i, json);
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
      if (c == '!' && i + 1 < source.length() && (source.charAt(i + 1) == '0')) {
        json.append("true");
        i++;
      } else if (c == '!' && i + 1 < source.length() && (source.charAt(i + 1) == '1')) {
        json.append("false");
        i++;
      } else if (c == '.' && leadingDecimalPoint(source, i)) {
        json.append("0.");
      } else {
        json.append(c);
      }
      if (depth == 0) {
        return json.toString();
      }
    }
    throw new IllegalArgumentException("the exported object literal is cut short");
  }

  /**
   * The string literal exported by {@code source}, unescaped.
   *
   * @throws IllegalArgumentException if the module exports no string literal, or it is cut short
   */
  static String exportedString(String source) {
    int start = exportStart(source, '"', '\'');
    StringBuilder out = new StringBuilder(source.length() - start);
    int end = copyString(source, start, out);
    if (end >= source.length()) {
      throw new IllegalArgumentException("the exported string literal is cut short");
    }
    // copyString re-quotes as JSON; the value is what lies between the quotes (base64 needs no
    // unescaping, and other escapes are kept as the JSON reader would read them)
    return out.substring(1, out.length() - 1);
  }

  /** Position of the first {@code exports=} followed by one of {@code opening}. */
  private static int exportStart(String source, char... opening) {
    int from = 0;
    while (true) {
      int at = source.indexOf(EXPORTS, from);
      if (at < 0) {
        throw new IllegalArgumentException(
            "not a module exporting a "
                + (opening[0] == '{' ? "object" : "string")
                + " literal (no 'exports="
                + opening[0]
                + "' found)");
      }
      int value = at + EXPORTS.length();
      if (value < source.length()) {
        for (char o : opening) {
          if (source.charAt(value) == o) {
            return value;
          }
        }
      }
      from = value;
    }
  }

  /**
   * Copies the string literal opening at {@code start} into {@code out} as a double-quoted JSON
   * string and returns the index of its closing quote.
   */
  private static int copyString(String source, int start, StringBuilder out) {
    char quote = source.charAt(start);
    out.append('"');
    int i = start + 1;
    for (; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '\\' && i + 1 < source.length()) {
        char next = source.charAt(i + 1);
        if (next == '\'') {
          out.append('\'');
        } else {
          out.append(c).append(next);
        }
        i++;
      } else if (c == quote) {
        out.append('"');
        return i;
      } else if (c == '"') {
        out.append("\\\"");
      } else {
        out.append(c);
      }
    }
    return i;
  }

  /** Whether the '.' at {@code i} starts a number written without its leading zero. */
  private static boolean leadingDecimalPoint(String source, int i) {
    if (i + 1 >= source.length() || !Character.isDigit(source.charAt(i + 1))) {
      return false;
    }
    char before = i == 0 ? ' ' : source.charAt(i - 1);
    return !Character.isLetterOrDigit(before) && before != '_' && before != '$';
  }
}
