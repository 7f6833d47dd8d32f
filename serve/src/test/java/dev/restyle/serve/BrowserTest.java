package dev.restyle.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.restyle.ingest.sample.SampleClip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in a real browser: Debian's headless {@code chromium} driven by Playwright ({@code
 * src/test/browser/ui.mjs}) picks a style, uploads a real photo, waits for the stylised image, then
 * uploads a video, sees its live preview in the pipelines section and follows the job to its
 * download. Screenshots land in {@code target/browser/screenshots}. Installs playwright-core with
 * {@code npm ci} on first run; skips when node or chromium is absent.
 */
class BrowserTest {
  private static final Path SOURCES = Path.of("src/test/browser");
  private static final Path WORK = Path.of("target/browser");

  @TempDir Path temp;

  @Test
  void photoAndVideoThroughTheWebPage() throws Exception {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    assumeTrue(
        Files.isExecutable(chromium), "no chromium at " + chromium + " (apt install chromium)");
    assumeTrue(
        run(List.of("node", "--version"), Path.of("."), 30).exit == 0, "node is not installed");
    installPlaywright();

    Path photo = photo();
    Path video = temp.resolve("clip.mp4");
    SampleClip.write(video, new SampleClip.Spec(160, 120, 15, 150, 44_100));
    Path screenshots = Files.createDirectories(WORK.resolve("screenshots"));
    try (TestServer t = new TestServer(ServeConfig.defaults(), temp.resolve("work"))) {
      Result result =
          run(
              List.of(
                  "node",
                  "ui.mjs",
                  "http://127.0.0.1:" + t.server.port() + "/",
                  photo.toAbsolutePath().toString(),
                  video.toAbsolutePath().toString(),
                  screenshots.toAbsolutePath().toString()),
              WORK,
              300);
      assertEquals(0, result.exit, result.output);
      assertTrue(result.output.contains("\"videoBytes\""), result.output);
    }
    assertTrue(Files.size(screenshots.resolve("web-photo.png")) > 10_000);
    assertTrue(Files.size(screenshots.resolve("web-video.png")) > 10_000);
    assertTrue(Files.size(screenshots.resolve("web-preview.png")) > 10_000);
  }

  /** A real photo from the shared data beside the checkout, or a drawn one without it. */
  private Path photo() throws IOException {
    String override = System.getenv("RESTYLE_SHARED_DATA");
    Path shared =
        Path.of(
            override != null
                ? override
                : System.getProperty("restyle.sharedData", "../../shared/data"));
    Path chicago = shared.resolve("content/chicago.jpg");
    if (Files.isRegularFile(chicago)) {
      return chicago;
    }
    Path drawn = temp.resolve("drawn.jpg");
    Files.write(drawn, TestServer.jpeg(800, 600));
    return drawn;
  }

  private static void installPlaywright() throws Exception {
    Files.createDirectories(WORK);
    for (String file : List.of("package.json", "package-lock.json", "ui.mjs")) {
      Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(WORK.resolve("node_modules/playwright-core"))) {
      Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), WORK, 300);
      assertEquals(0, npm.exit, "npm ci failed:\n" + npm.output);
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, Path dir, int seconds) throws Exception {
    Path log = Files.createTempFile("restyle-browser", ".log");
    try {
      Process p;
      try {
        p =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
      } catch (IOException notInstalled) {
        return new Result(-1, notInstalled.getMessage());
      }
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-2, "timed out after " + seconds + " s: " + Files.readString(log));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
