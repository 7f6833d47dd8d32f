package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.config.PipelineConfig;
import dev.restyle.ingest.config.PipelineConfigReader;
import dev.restyle.ingest.endpoint.Endpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code restyle stream} and {@code restyle run} read the same pipeline config. */
class StreamCommandTest {
  @TempDir Path dir;

  private static PipelineConfig fromOptions(String... args) {
    StreamCommand command = new StreamCommand();
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  @Test
  void optionsMapToTheSameRecordAsYaml() throws Exception {
    PipelineConfig options =
        fromOptions(
            "rtsp://cam.local/live",
            "--style",
            "starry_night",
            "--strength",
            "0.7",
            "--out",
            "out/live.m3u8",
            "--transport",
            "udp",
            "--timeout",
            "3s",
            "--queue",
            "3",
            "--overflow",
            "drop-newest",
            "--reconnect-delay",
            "250ms",
            "--reconnect-max-delay",
            "4s",
            "--reconnect-attempts",
            "7",
            "--batch",
            "2",
            "--max-wait",
            "0ms",
            "--predictors",
            "3",
            "--stop-after",
            "1m",
            "--metrics-port",
            "9464",
            "--log-every",
            "30s");
    Path yaml = dir.resolve("same.yaml");
    Files.writeString(
        yaml,
        """
        source:
          uri: rtsp://cam.local/live
          transport: udp
          timeout: 3s
          queue: 3
          overflow: drop-newest
          reconnect: {initialDelay: 250ms, maxDelay: 4s, maxAttempts: 7}
        sink: {uri: out/live.m3u8}
        style: {name: starry_night, strength: 0.7}
        batch: 2
        maxWait: 0ms
        predictors: 3
        stopAfter: 60s
        metrics: {port: 9464, logEvery: 30s}
        """);
    assertEquals(new PipelineConfigReader(Endpoints.standard()).read(yaml), options);
  }

  @Test
  void liveDefaultsComeFromTheSource() {
    PipelineConfig c = fromOptions("rtsp://cam.local/live", "--style", "x", "-o", "o.mp4");
    assertEquals(2, c.source().queue());
    assertEquals("DROP_OLDEST", c.source().overflow().name());
    assertEquals(null, c.metrics().port());
  }

  @Test
  void badOptionsAreRefusedAllAtOnce() {
    CliRun o =
        CliRun.of(
            "stream",
            "rtsp://cam/x",
            "--style",
            "starry_night",
            "--out",
            "o.avi2",
            "--queue",
            "0",
            "--timeout",
            "3");
    assertEquals(2, o.exitCode(), o.err());
    assertTrue(o.err().startsWith("restyle stream: invalid pipeline config"), o.err());
    for (String field : new String[] {"sink.uri:", "source.queue:", "source.timeout:"}) {
      assertTrue(o.err().contains(field), field + " in " + o.err());
    }
  }

  @Test
  void runChecksAFile() throws Exception {
    Path config = Path.of(System.getProperty("user.dir")).getParent().resolve("config");
    CliRun ok = CliRun.of("run", "--check", config.resolve("pipeline-rtsp.yaml").toString());
    assertEquals(0, ok.exitCode(), ok.err());
    assertTrue(ok.out().contains("valid"), ok.out());

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "source: {uri: rtsp://x/y, queue: -1}\nsink: {uri: out.mp4}\n");
    CliRun refused = CliRun.of("run", bad.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(
        refused.err().contains("(2 problems): source.queue: must be 1 to 1000"), refused.err());
    assertTrue(refused.err().contains("style.name: "), refused.err());

    CliRun missing = CliRun.of("run", dir.resolve("none.yaml").toString());
    assertEquals(2, missing.exitCode());
    assertTrue(missing.err().contains("no such pipeline config"), missing.err());
  }
}
