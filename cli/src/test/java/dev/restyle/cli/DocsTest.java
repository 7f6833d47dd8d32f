package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README and the pages under docs/ as a user meets them: every relative link (and its {@code
 * #anchor}) resolves, every {@code restyle} command in their shell code blocks parses with the real
 * command line (so its subcommands and options exist), and the README's cheap commands run.
 */
class DocsTest {
  @RegisterExtension static final TemporaryHome HOME = new TemporaryHome();
  @TempDir Path dir;

  /** The repository root: the tests run in the cli module's folder. */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern FENCE = Pattern.compile("^\\s*```+\\s*([A-Za-z]*)\\s*$");
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern ASSIGNMENT = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*=.*");
  private static final Set<String> SHELL = Set.of("bash", "sh", "shell", "console");

  /** A line of a Markdown file, with its number, and whether it lies in a fenced code block. */
  private record Line(Path file, int number, String text, boolean code, String language) {
    String where() {
      return ROOT.relativize(file) + ":" + number;
    }
  }

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path file : pages()) {
      for (Line line : lines(file)) {
        if (line.code()) {
          continue;
        }
        Matcher m = LINK.matcher(withoutInlineCode(line.text()));
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            continue; // http:, https:, mailto:
          }
          checked++;
          String problem = problem(file, target);
          if (problem != null) {
            broken.add(line.where() + ": " + target + " (" + problem + ")");
          }
        }
      }
    }
    assertEquals(List.of(), broken);
    assertTrue(checked > 20, "only " + checked + " links found");
  }

  @Test
  void everyRestyleCommandParses() throws IOException {
    List<String> wrong = new ArrayList<>();
    int readme = 0;
    for (Path file : pages()) {
      for (Command command : commands(file)) {
        if (file.getFileName().toString().equals("README.md")) {
          readme++;
        }
        try {
          commandLine().parseArgs(command.args().toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
          wrong.add(command.where() + ": restyle " + command.args() + ": " + e.getMessage());
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(readme >= 8, "only " + readme + " restyle commands found in README.md");
  }

  /**
   * The README's commands that are quick and need nothing but this checkout: listing the styles,
   * the help, an image (the bundled sample picture, or an input that exists here) and the quick
   * start's video of the sample clip (about 10 s on two cores), with their outputs moved into a
   * temporary folder.
   */
  @Test
  void theReadmesCheapCommandsRun() throws IOException {
    int ran = 0;
    for (Command command : commands(ROOT.resolve("README.md"))) {
      List<String> args = new ArrayList<>(command.args());
      String sub = args.isEmpty() ? "" : args.get(0);
      if (sub.equals("styles") || sub.equals("--help")) {
        CliRun result = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), command.where() + ": " + result.errors());
        assertTrue(!result.out().isBlank(), command.where());
        ran++;
      } else if (sub.equals("image") || sub.equals("video")) {
        CommandLine.ParseResult parsed = commandLine().parseArgs(args.toArray(String[]::new));
        CommandLine.ParseResult image = parsed.subcommand(); // image or video
        if (image.hasMatchedPositional(0)) {
          String given = image.matchedPositional(0).originalStringValues().get(0);
          Path input = ROOT.resolve(given);
          if (!Files.exists(input)) {
            continue; // a placeholder such as me.jpg
          }
          args.set(args.indexOf(given), input.toString());
        }
        int o = Math.max(args.indexOf("-o"), args.indexOf("--output"));
        Path output = dir.resolve(Path.of(args.get(o + 1)).getFileName());
        args.set(o + 1, output.toString());
        CliRun result = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), command.where() + ": " + result.errors());
        assertTrue(Files.size(output) > 0, command.where() + ": no " + output);
        ran++;
      }
    }
    assertTrue(ran >= 3, "ran only " + ran + " README commands");
  }

  /** The command line as {@link Main#run} builds it. */
  private static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.getSubcommands().values().forEach(c -> c.getCommandSpec().mixinStandardHelpOptions(true));
    return cli;
  }

  private record Command(Line line, List<String> args) {
    String where() {
      return line.where();
    }
  }

  /**
   * The {@code restyle} (or {@code ./restyle}) commands in a file's shell code blocks: lines joined
   * at a trailing backslash, split at {@code &&}, {@code ;} and {@code |}, with leading variable
   * assignments and {@code nice -n N} taken off, up to a comment or a redirection.
   */
  private static List<Command> commands(Path file) throws IOException {
    List<Command> commands = new ArrayList<>();
    List<Line> lines = lines(file);
    for (int i = 0; i < lines.size(); i++) {
      Line first = lines.get(i);
      if (!first.code() || !SHELL.contains(first.language())) {
        continue;
      }
      StringBuilder text = new StringBuilder(first.text());
      while (text.toString().stripTrailing().endsWith("\\") && i + 1 < lines.size()) {
        String joined = text.toString().stripTrailing();
        text = new StringBuilder(joined.substring(0, joined.length() - 1)).append(' ');
        text.append(lines.get(++i).text());
      }
      for (List<String> words : simpleCommands(text.toString())) {
        int w = 0;
        while (w < words.size() && ASSIGNMENT.matcher(words.get(w)).matches()) {
          w++;
        }
        if (w < words.size() && words.get(w).equals("nice")) {
          w++;
          if (w + 1 < words.size() && words.get(w).equals("-n")) {
            w += 2;
          }
        }
        if (w < words.size()
            && (words.get(w).equals("restyle") || words.get(w).equals("./restyle"))) {
          commands.add(new Command(first, List.copyOf(words.subList(w + 1, words.size()))));
        }
      }
    }
    return commands;
  }

  /** Splits a shell line into simple commands of words, honouring quotes; stops at a comment. */
  static List<List<String>> simpleCommands(String line) {
    List<List<String>> commands = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    boolean redirected = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '\'' || c == '"') {
        int end = line.indexOf(c, i + 1);
        if (end < 0) {
          end = line.length();
        }
        word = word == null ? new StringBuilder() : word;
        word.append(line, i + 1, end);
        i = end + 1;
        continue;
      }
      if (c == '\\' && i + 1 < line.length()) {
        word = word == null ? new StringBuilder() : word;
        word.append(line.charAt(i + 1));
        i += 2;
        continue;
      }
      boolean separator = c == ';' || c == '|' || c == '&';
      if (Character.isWhitespace(c) || separator || c == '>' || c == '<') {
        if (word != null && !redirected) {
          words.add(word.toString());
        }
        word = null;
        if (c == '>' || c == '<') {
          redirected = true; // the rest up to a separator is the redirection's target
        }
        if (separator) {
          if (!words.isEmpty()) {
            commands.add(words);
          }
          words = new ArrayList<>();
          redirected = false;
        }
        i++;
        continue;
      }
      if (c == '#' && word == null) {
        break;
      }
      word = word == null ? new StringBuilder() : word;
      word.append(c);
      i++;
    }
    if (word != null && !redirected) {
      words.add(word.toString());
    }
    if (!words.isEmpty()) {
      commands.add(words);
    }
    return commands;
  }

  /** What is wrong with a relative link from this file, or null when it resolves. */
  private static String problem(Path file, String target) throws IOException {
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (!resolved.startsWith(ROOT)) {
      return "outside the repository";
    }
    if (anchor != null && !anchors(resolved).contains(anchor)) {
      return "no heading with that anchor";
    }
    return null;
  }

  /** GitHub's anchors for a Markdown file's headings. */
  private static Set<String> anchors(Path file) throws IOException {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Line line : lines(file)) {
      Matcher m = HEADING.matcher(line.text());
      if (line.code() || !m.matches()) {
        continue;
      }
      String slug =
          m.group(2)
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? slug : slug + "-" + n);
    }
    return anchors;
  }

  private static String withoutInlineCode(String text) {
    return text.replaceAll("`[^`]*`", "``");
  }

  private static List<Line> lines(Path file) throws IOException {
    List<Line> lines = new ArrayList<>();
    boolean code = false;
    String language = "";
    int number = 0;
    for (String text : Files.readAllLines(file)) {
      number++;
      Matcher fence = FENCE.matcher(text);
      if (fence.matches()) {
        code = !code;
        language = code ? fence.group(1).toLowerCase(Locale.ROOT) : "";
        continue;
      }
      lines.add(new Line(file, number, text, code, language));
    }
    if (code) {
      fail(file + ": a code block is not closed");
    }
    return lines;
  }

  /** README.md and every page under docs/. */
  private static List<Path> pages() {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(pages.size() > 5, "docs/ pages: " + pages);
    return pages;
  }
}
