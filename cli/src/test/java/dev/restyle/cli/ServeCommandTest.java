package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.restyle.serve.RestyleServer;
import dev.restyle.serve.ServeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restyle serve} settings and {@code restyle loadtest} against a real server. */
class ServeCommandTest {
  @TempDir Path dir;

  private record Outcome(int exitCode, String out, String err) {}

  @BeforeAll
  static void loadEngine() {
    Engine.getInstance();
  }

  @Test
  void badServeSettingsAreOneClearLine() {
    Outcome r = run("serve", "--port", "70000", "--batch", "0", "--work-dir", dir.toString());
    assertEquals(2, r.exitCode);
    assertTrue(r.err.contains("port must be between 0 and 65535, got 70000"), r.err);
    assertTrue(r.err.contains("maxBatch must be positive, got 0"), r.err);
  }

  @Test
  void badLoadTestSettingsAreOneClearLine() {
    Outcome r = run("loadtest", "--concurrency", "0", "--requests", "1");
    assertEquals(2, r.exitCode);
    assertTrue(r.err.contains("concurrency levels must be 1 to 1024"), r.err);
  }

  @Test
  void loadTestReportsEachLevel() throws Exception {
    ServeConfig config =
        ServeConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkDirectory(dir);
    try (RestyleServer server = RestyleServer.builder(config).build().start()) {
      String url = "http://127.0.0.1:" + server.port();
      Outcome r =
          run("loadtest", "--url", url, "--concurrency", "1,2", "--requests", "4", "--size", "64");
      assertEquals(0, r.exitCode, r.out + r.err);
      assertTrue(r.out.contains("req/s   p50 ms    p99 ms"), r.out);
      assertTrue(r.out.lines().anyMatch(l -> l.matches(" +2 +4 +0 .*")), r.out);
      Outcome failing =
          run("loadtest", "--url", url, "--concurrency", "1", "--requests", "2", "--style", "x");
      assertEquals(1, failing.exitCode, failing.out);
      assertTrue(failing.out.contains("{HTTP 404=2}"), failing.out);
    }
  }

  private static Outcome run(String... args) {
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
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
