package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/** One {@code restyle} command line run in this JVM, with its exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {
  /** Logback's lines ("19:02:11 INFO Trainer - ..."), which share stderr with the messages. */
  private static final Pattern LOG_LINE =
      Pattern.compile("^\\d{2}:\\d{2}:\\d{2} +(TRACE|DEBUG|INFO|WARN|ERROR)\\b.*");

  /** Progress bars' tasks: their lines on stderr start with one of these. */
  private static final List<String> PROGRESS_BARS =
      List.of("train ", "optimize ", "video ", "kafka-send ");

  /** Runs the command line with stdout and stderr captured. */
  static CliRun of(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(args);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The messages on stderr: its lines less blank ones, log lines and progress bars. */
  List<String> errors() {
    return err.lines()
        .filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).matches())
        .filter(l -> PROGRESS_BARS.stream().noneMatch(l::startsWith))
        .toList();
  }

  /** Asserts exit code 2 and exactly one message, with this prefix and these parts. */
  void assertUserError(String prefix, String... parts) {
    assertEquals(2, exitCode, "stderr: " + errors());
    assertEquals(1, errors().size(), "one line: " + errors());
    String line = errors().get(0);
    assertTrue(line.startsWith(prefix), line);
    for (String part : parts) {
      assertTrue(line.contains(part), "'" + part + "' in: " + line);
    }
  }
}
