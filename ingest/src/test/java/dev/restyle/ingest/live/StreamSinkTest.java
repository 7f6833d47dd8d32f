package dev.restyle.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.config.PipelineConfig;
import dev.restyle.ingest.config.PipelineConfigReader;
import dev.restyle.ingest.endpoint.Endpoints;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.pipeline.PipelineListener;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.ingest.service.PipelineService;
import dev.restyle.ingest.sink.StreamSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live outputs: an HLS playlist, and a push to a real RTSP server read back by a client. */
@Tag("slow")
class StreamSinkTest {
  private static final SampleClip.Spec CLIP = new SampleClip.Spec(96, 64, 10, 30, 8_000);

  @TempDir Path dir;

  @Test
  void writesAnHlsPlaylistThatPlays() throws Exception {
    FfmpegLog.install();
    Path clip = dir.resolve("clip.mp4");
    SampleClip.write(clip, CLIP);
    Path playlist = dir.resolve("hls/live.m3u8");
    var tree = PipelineConfigReader.tree();
    tree.putObject("source").put("uri", clip.toString());
    tree.putObject("sink").put("uri", playlist.toString()).put("segmentSeconds", 1);
    tree.putObject("style").put("name", "identity");
    PipelineConfig config = new PipelineConfigReader(Endpoints.standard()).read(tree, "(test)");
    PipelineService service =
        new PipelineService(config, Endpoints.standard(), new SimpleMeterRegistry());
    PipelineResult result = service.run(batch -> batch, 1, PipelineListener.NONE);
    assertEquals(CLIP.frames(), result.framesOut());

    String text = Files.readString(playlist);
    assertTrue(text.startsWith("#EXTM3U"), text);
    assertTrue(text.contains("#EXT-X-ENDLIST"), text);
    try (var segments = Files.list(playlist.getParent())) {
      assertTrue(segments.filter(p -> p.toString().endsWith(".ts")).count() >= 2, text);
    }
    assertHoldsTheClip(playlist);
  }

  @Test
  void pushesOverTcpToAListeningServer() throws Exception {
    RtspTestServer.assumeAvailable();
    FfmpegLog.install();
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path received = dir.resolve("received.mkv");
    // ffmpeg as an RTSP server that takes one publisher's ANNOUNCE/RECORD over TCP
    Process server =
        new ProcessBuilder(
                RtspTestServer.FFMPEG,
                "-nostdin",
                "-v",
                "error",
                "-rtsp_flags",
                "listen",
                "-rtsp_transport",
                "tcp",
                "-i",
                "rtsp://127.0.0.1:" + port + "/in",
                "-c",
                "copy",
                received.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("listen.log").toFile())
            .start();
    try {
      StreamInfo info =
          new StreamInfo(
              "out", CLIP.width(), CLIP.height(), 10, -1, -1, "raw", Optional.empty(), 0);
      StreamSink sink = null;
      for (int attempt = 0; sink == null; attempt++) {
        try {
          sink =
              StreamSink.open(
                  "rtsp://127.0.0.1:" + port + "/in", info, StreamSink.Settings.DEFAULT);
        } catch (java.io.IOException notListeningYet) {
          if (attempt == 50) {
            throw notListeningYet;
          }
          Thread.sleep(100);
        }
      }
      try (StreamSink open = sink) {
        for (int i = 0; i < CLIP.frames(); i++) {
          byte[] rgb = packedRgb(SampleClip.frame(CLIP, i));
          open.write(new Frame("out", i, i * 100_000L, 96, 64, rgb, System.nanoTime()));
        }
        open.finish();
      }
      assertTrue(server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "ffmpeg did not end");
    } finally {
      server.destroyForcibly();
    }
    assertHoldsTheClip(received);
  }

  @Test
  void pushesToAnRtspServer() throws Exception {
    RtspTestServer.assumeAvailable();
    FfmpegLog.install();
    BufferedImage picture = SampleClip.frame(CLIP, 0);
    byte[] rgb = packedRgb(picture);
    StreamInfo info =
        new StreamInfo("out", CLIP.width(), CLIP.height(), 10, -1, -1, "raw", Optional.empty(), 0);
    try (RtspTestServer rtsp = new RtspTestServer(dir)) {
      rtsp.startServer();
      AtomicBoolean done = new AtomicBoolean();
      CompletableFuture<Long> pushing =
          CompletableFuture.supplyAsync(
              () -> {
                try (StreamSink sink =
                    StreamSink.open(
                        rtsp.publishUrl("styled"), info, new StreamSink.Settings("udp", 2, 6))) {
                  long i = 0;
                  while (!done.get() && i < 300) {
                    sink.write(new Frame("out", i, i * 100_000, 96, 64, rgb, System.nanoTime()));
                    i++;
                    Thread.sleep(100);
                  }
                  sink.finish();
                  return sink.written();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      LiveSource.Settings settings =
          new LiveSource.Settings(
              "udp",
              Duration.ofSeconds(2),
              new Backoff(Duration.ofMillis(200), Duration.ofMillis(500), 2, 40),
              Map.of());
      try (LiveSource source =
          LiveSource.open(rtsp.playUrl("styled"), "styled", settings, new SimpleMeterRegistry())) {
        assertEquals(96, source.info().width());
        assertEquals(64, source.info().height());
        for (int i = 0; i < 10; i++) {
          Frame frame = source.read();
          BufferedImage got = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
          for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
              int at = 3 * (y * 96 + x);
              got.setRGB(
                  x,
                  y,
                  (frame.rgb()[at] & 0xff) << 16
                      | (frame.rgb()[at + 1] & 0xff) << 8
                      | frame.rgb()[at + 2] & 0xff);
            }
          }
          double diff = RtspPipelineTest.meanAbsDiff(got, RtspPipelineTest.copy(picture));
          assertTrue(diff < 12, "frame " + i + " differs by " + diff);
        }
      } finally {
        done.set(true);
      }
      assertTrue(pushing.get() >= 10);
    }
  }

  /** Asserts the video holds every frame of {@link #CLIP}, each close to the original. */
  private static void assertHoldsTheClip(Path video) throws Exception {
    List<Long> timestamps = new ArrayList<>();
    List<BufferedImage> frames = RtspPipelineTest.decode(video, timestamps);
    assertEquals(CLIP.frames(), frames.size());
    for (int i = 0; i < frames.size(); i++) {
      double diff =
          RtspPipelineTest.meanAbsDiff(
              frames.get(i), RtspPipelineTest.copy(SampleClip.frame(CLIP, i)));
      assertTrue(diff < 12, "frame " + i + " differs by " + diff);
    }
  }

  /** The image's pixels as packed RGB, as frames carry them. */
  private static byte[] packedRgb(BufferedImage picture) {
    byte[] rgb = new byte[picture.getWidth() * picture.getHeight() * 3];
    for (int y = 0; y < picture.getHeight(); y++) {
      for (int x = 0; x < picture.getWidth(); x++) {
        int p = picture.getRGB(x, y);
        int at = 3 * (y * picture.getWidth() + x);
        rgb[at] = (byte) (p >> 16);
        rgb[at + 1] = (byte) (p >> 8);
        rgb[at + 2] = (byte) p;
      }
    }
    return rgb;
  }
}
