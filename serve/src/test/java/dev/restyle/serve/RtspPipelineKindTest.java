package dev.restyle.serve;

import static dev.restyle.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.live.GstRtspTestServer;
import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.ingest.source.VideoFileSource;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code rtsp} pipeline kind against GStreamer's RTSP server over TCP: started with POST
 * /api/pipelines, followed live (an HLS playlist served while it runs), stopped, and its MP4
 * downloaded and decoded back. Skips where the server is not installed (CI installs it).
 */
class RtspPipelineKindTest {
  @TempDir static Path work;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(ServeConfig.defaults(), work);
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  private static JsonNode startPipeline(Map<String, String> options) throws Exception {
    ObjectNode body = TestServer.JSON.createObjectNode().put("kind", "rtsp");
    ObjectNode o = body.putObject("options");
    options.forEach(o::put);
    HttpResponse<byte[]> created =
        t.post(
            "/api/pipelines",
            "application/json",
            TestServer.JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
    assertEquals(202, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
    return json(created);
  }

  private static JsonNode waitForFrames(String id, long frames) throws Exception {
    JsonNode status;
    do {
      Thread.sleep(200);
      status = json(t.get("/api/pipelines/" + id));
      assertEquals("RUNNING", status.path("state").asText(), status.toString());
    } while (status.path("progress").path("framesOut").asLong() < frames);
    return status;
  }

  @Test
  void stylisesACameraIntoHlsAndMp4UntilStopped() throws Exception {
    GstRtspTestServer.assumeAvailable();
    assertTimeoutPreemptively(Duration.ofSeconds(150), this::cameraToOutputs);
  }

  private void cameraToOutputs() throws Exception {
    FfmpegLog.install();
    Path image = work.resolve("still.png");
    ImageIO.write(
        SampleClip.frame(new SampleClip.Spec(96, 64, 10, 1, 8_000), 0), "png", image.toFile());
    Path clip = GstRtspTestServer.clip(image, work.resolve("still.mkv"), 60);
    try (GstRtspTestServer gst = new GstRtspTestServer(work)) {
      gst.start("/cam", clip);

      String hls =
          startPipeline(Map.of("url", gst.url("/cam"), "output", "hls", "style", "starry_night"))
              .path("id")
              .asText();
      waitForFrames(hls, 30); // 10 fps, 2 s segments: the first segment is written
      HttpResponse<byte[]> playlist = t.get("/api/pipelines/" + hls + "/files/stream.m3u8");
      assertEquals(200, playlist.statusCode());
      String text = new String(playlist.body(), StandardCharsets.UTF_8);
      assertTrue(text.startsWith("#EXTM3U"), text);
      String segment = text.lines().filter(l -> l.endsWith(".ts")).findFirst().orElseThrow();
      HttpResponse<byte[]> ts = t.get("/api/pipelines/" + hls + "/files/" + segment);
      assertEquals(200, ts.statusCode());
      assertTrue(ts.body().length > 1000, "segment of " + ts.body().length + " bytes");
      assertEquals(404, t.get("/api/pipelines/" + hls + "/files/..%2Fx.ts").statusCode());
      assertEquals(204, t.delete("/api/pipelines/" + hls).statusCode());

      String mp4 =
          startPipeline(Map.of("url", gst.url("/cam"), "style", "starry_night"))
              .path("id")
              .asText();
      JsonNode running = waitForFrames(mp4, 10);
      assertEquals(-1, running.path("progress").path("expectedFrames").asLong());
      JsonNode stopped = json(t.post("/api/pipelines/" + mp4 + "/stop", "text/plain", new byte[0]));
      assertEquals("SUCCEEDED", stopped.path("state").asText(), stopped.toString());
      long written = stopped.path("progress").path("framesOut").asLong();
      HttpResponse<byte[]> output = t.get("/api/pipelines/" + mp4 + "/output");
      assertEquals(200, output.statusCode());
      Path file = work.resolve("out.mp4");
      Files.write(file, output.body());
      long decoded = 0;
      try (VideoFileSource video = VideoFileSource.open(file, "out")) {
        assertEquals(96, video.info().width());
        while (video.read() != null) {
          decoded++;
        }
      }
      assertEquals(written, decoded);
    }
  }

  @Test
  void badOptionsAreA400() throws Exception {
    ObjectNode body = TestServer.JSON.createObjectNode().put("kind", "rtsp");
    body.putObject("options")
        .put("url", "rtsp://127.0.0.1:9/cam")
        .put("output", "out.avi")
        .put("transport", "sctp")
        .put("style", "starry_night");
    HttpResponse<byte[]> refused =
        t.post(
            "/api/pipelines",
            "application/json",
            TestServer.JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
    assertEquals(400, refused.statusCode());
    assertTrue(
        json(refused).toString().contains("'output' must be mp4, hls"), json(refused).toString());
  }
}
