package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.restyle.serve.RestyleServer;
import dev.restyle.serve.ServeConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restyle serve} settings and {@code restyle loadtest} against a real server. */
class ServeCommandTest {
  @TempDir Path dir;

  @BeforeAll
  static void loadEngine() {
    Engine.getInstance();
  }

  @Test
  void badServeSettingsAreOneClearLine() {
    CliRun r =
        CliRun.of(
            "serve",
            "--port",
            "70000",
            "--batch",
            "0",
            "--rate-limit",
            "-1",
            "--work-dir",
            dir.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("rateLimit.perSecond must not be negative, got -1"), r.err());
    assertTrue(r.err().contains("port must be between 0 and 65535, got 70000"), r.err());
    assertTrue(r.err().contains("maxBatch must be positive, got 0"), r.err());
  }

  @Test
  void badLoadTestSettingsAreOneClearLine() {
    CliRun r = CliRun.of("loadtest", "--concurrency", "0", "--requests", "1");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("concurrency levels must be 1 to 1024"), r.err());
  }

  @Test
  void loadTestReportsEachLevel() throws Exception {
    ServeConfig config =
        ServeConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkDirectory(dir);
    try (RestyleServer server = RestyleServer.builder(config).build().start()) {
      String url = "http://127.0.0.1:" + server.port();
      CliRun r =
          CliRun.of(
              "loadtest", "--url", url, "--concurrency", "1,2", "--requests", "4", "--size", "64");
      assertEquals(0, r.exitCode(), r.out() + r.err());
      assertTrue(r.out().contains("req/s   p50 ms    p99 ms"), r.out());
      assertTrue(r.out().lines().anyMatch(l -> l.matches(" +2 +4 +0 .*")), r.out());
      CliRun failing =
          CliRun.of(
              "loadtest", "--url", url, "--concurrency", "1", "--requests", "2", "--style", "x");
      assertEquals(1, failing.exitCode(), failing.out());
      assertTrue(failing.out().contains("{HTTP 404=2}"), failing.out());
    }
  }
}
