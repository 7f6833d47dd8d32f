package dev.restyle.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.endpoint.Endpoints;
import dev.restyle.ingest.endpoint.SourceProvider;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import dev.restyle.ingest.temporal.DisPreset;
import dev.restyle.ingest.temporal.TemporalSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigReaderTest {
  private final PipelineConfigReader reader = new PipelineConfigReader(Endpoints.standard());
  @TempDir Path dir;

  private PipelineConfig read(String yaml) throws IOException {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, yaml);
    return reader.read(file);
  }

  private List<String> problems(String yaml) {
    return assertThrows(ConfigException.class, () -> read(yaml)).problems();
  }

  @Test
  void liveSourcesDefaultToSmallDroppingQueues() throws IOException {
    PipelineConfig c =
        read(
            """
            source: {uri: "rtsp://user:pw@cam.local:8554/stream1"}
            sink: {uri: out/live.m3u8}
            style: {name: starry_night}
            """);
    assertEquals(2, c.source().queue());
    assertEquals(OverflowPolicy.DROP_OLDEST, c.source().overflow());
    assertEquals("tcp", c.source().transport());
    assertEquals(Duration.ofSeconds(10), c.source().reconnect().max());
    assertNull(c.metrics().port());
    assertNull(c.batch());
    assertEquals(1, c.predictors());
    assertEquals(1.0, c.style().strength());
    assertEquals("cam.local_stream1", Endpoints.streamId(c.source()));
    assertEquals(TemporalSettings.DEFAULT, c.temporal(), "temporal stabilisation on by default");
  }

  @Test
  void temporalIsOnOffOrAMappingOfItsSettings() throws IOException {
    String head =
        """
        source: {uri: in/clip.mkv}
        sink: {uri: out.mp4}
        style: {name: mosaic}
        """;
    assertEquals(TemporalSettings.OFF, read(head + "temporal: false\n").temporal());
    assertEquals(TemporalSettings.DEFAULT, read(head + "temporal: true\n").temporal());
    TemporalSettings t =
        read(head + "temporal: {blend: 0.5, flowWidth: 240, preset: ultrafast, maxStreams: 4}\n")
            .temporal();
    assertTrue(t.enabled());
    assertEquals(0.5, t.blend());
    assertEquals(240, t.flowWidth());
    assertEquals(DisPreset.ULTRAFAST, t.preset());
    assertEquals(4, t.maxStreams());
    assertEquals(TemporalSettings.DEFAULT.cutShare(), t.cutShare());
    List<String> wrong =
        problems(
            head
                + "temporal: {blend: 1.5, flowWidth: 8, preset: slow, cutShare: -0.1, bogus: 1}\n");
    assertEquals(5, wrong.size(), wrong.toString());
    assertTrue(
        wrong.containsAll(
            List.of(
                "temporal.preset: must be one of ultrafast, fast, medium, got 'slow'",
                "temporal.blend: must be 0 to 0.95, got 1.5",
                "temporal.flowWidth: must be 16 to 4096 pixels, got 8",
                "temporal.cutShare: must be 0 to 1, got -0.1")),
        wrong.toString());
    assertTrue(
        problems(head + "temporal: {bogus: 1}\n").get(0).startsWith("temporal.bogus: unknown"));
    assertTrue(
        problems(head + "temporal: maybe\n").get(0).startsWith("temporal: expected a mapping"));
  }

  @Test
  void filesDefaultToBlockingQueues() throws IOException {
    PipelineConfig c =
        read(
            """
            source: {uri: in/clip.mkv}
            sink: {uri: out.mp4}
            style: {name: the_scream, strength: 0.5, preserveColours: true}
            maxWait: 250ms
            predictors: 3
            stopAfter: 1.5m
            metrics: {port: 0, logEvery: PT30S}
            """);
    assertEquals(8, c.source().queue());
    assertEquals(OverflowPolicy.BLOCK, c.source().overflow());
    assertEquals(Duration.ofMillis(250), c.maxWait());
    assertEquals(3, c.predictors());
    assertEquals(Duration.ofSeconds(90), c.stopAfter());
    assertEquals(0, c.metrics().port());
    assertEquals(Duration.ofSeconds(30), c.metrics().logEvery());
    assertEquals("clip.mkv", Endpoints.streamId(c.source()));
  }

  @Test
  void reportsEveryProblemByField() {
    List<String> problems =
        problems(
            """
            source:
              uri: foo://x/y
              queue: zero
              timeout: 5 parsecs
              overflow: sideways
              transport: quic
              colour: red
              reconnect: {initialDelay: 2s, maxDelay: 1s, multiplier: 0.5, maxAttempts: -1}
            sink: {uri: out.xyz, playlistSize: 0}
            style: {strength: 2, preserveColours: maybe}
            batch: 0
            maxWait: -1s
            predictors: 0
            metrics: {port: 70000}
            extra: 1
            """);
    List<String> expected =
        List.of(
            "source.uri: no source for 'foo://'",
            "source.queue: expected a whole number, got 'zero'",
            "source.timeout: expected a duration",
            "source.overflow: must be one of block, drop-oldest, drop-newest, got 'sideways'",
            "source.transport: must be tcp or udp, got 'quic'",
            "source.colour: unknown field",
            "source.reconnect.maxDelay: must be at least initialDelay (2000ms), got 1000ms",
            "source.reconnect.multiplier: must be at least 1, got 0.5",
            "source.reconnect.maxAttempts: must be 0 (never give up) or positive, got -1",
            "sink.uri: cannot tell a video format from the file name out.xyz",
            "sink.playlistSize: must be positive, got 0",
            "style.name: must be a style name",
            "style.strength: must be between 0 and 1, got 2.0",
            "style.preserveColours: expected true or false, got 'maybe'",
            "batch: must be 1 to 64 frames, got 0",
            "maxWait: expected a duration",
            "predictors: must be 1 to 64 threads, got 0",
            "metrics.port: must be 0 to 65535, got 70000",
            "extra: unknown field");
    for (String prefix : expected) {
      assertTrue(
          problems.stream().anyMatch(p -> p.startsWith(prefix)),
          "no problem starting with '" + prefix + "' in " + problems);
    }
    assertEquals(expected.size(), problems.size(), problems.toString());
  }

  @Test
  void requiresSourceSinkAndStyle() {
    assertEquals(
        List.of("source.uri: required", "sink.uri: required", "style.name: must be a style name"),
        problems("batch: 1\n").stream().map(p -> p.replaceAll(" \\(.*|,.*", "")).toList());
    assertEquals(
        List.of("the config must be a mapping with source, sink and style"),
        problems("- just\n- a list\n"));
  }

  @Test
  void refusesTheSourceAsSink() {
    assertEquals(
        List.of("sink.uri: must differ from source.uri (a.mp4)"),
        problems("source: {uri: a.mp4}\nsink: {uri: a.mp4}\nstyle: {name: s}\n"));
  }

  @Test
  void missingOrBrokenFilesAreRefused() throws IOException {
    assertThrows(NoSuchFileException.class, () -> reader.read(dir.resolve("none.yaml")));
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "source: {uri: [\n");
    IOException e = assertThrows(IOException.class, () -> reader.read(broken));
    assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
  }

  @Test
  void theExampleConfigsAreValid() throws IOException {
    Path config = Path.of(System.getProperty("user.dir")).getParent().resolve("config");
    PipelineConfig rtsp = reader.read(config.resolve("pipeline-rtsp.yaml"));
    assertEquals(9464, rtsp.metrics().port());
    assertEquals(OverflowPolicy.DROP_OLDEST, rtsp.source().overflow());
    PipelineConfig file = reader.read(config.resolve("pipeline-file.yaml"));
    assertEquals(OverflowPolicy.BLOCK, file.source().overflow());
    assertTrue(file.temporal().enabled());
  }

  @Test
  void otherSchemesPlugIn() {
    SourceProvider kafka =
        new SourceProvider() {
          @Override
          public int defaultQueue() {
            return 16;
          }

          @Override
          public OverflowPolicy defaultOverflow() {
            return OverflowPolicy.BLOCK;
          }

          @Override
          public dev.restyle.ingest.source.FrameSource open(
              SourceConfig config,
              String streamId,
              io.micrometer.core.instrument.MeterRegistry registry) {
            throw new UnsupportedOperationException("not opened in this test");
          }
        };
    PipelineConfigReader withKafka =
        new PipelineConfigReader(Endpoints.standard().withSource("kafka", kafka));
    var tree = PipelineConfigReader.tree();
    tree.putObject("source").put("uri", "kafka://127.0.0.1:9092/frames");
    tree.putObject("sink").put("uri", "out.mp4");
    tree.putObject("style").put("name", "candy");
    PipelineConfig c = withKafka.read(tree, "(test)");
    assertEquals(16, c.source().queue());
    assertThrows(ConfigException.class, () -> reader.read(tree, "(test)"));
  }
}
