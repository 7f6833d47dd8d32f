package dev.restyle.serve;

import static dev.restyle.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.sample.SampleClip;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live MJPEG preview of a running video job, read by a real HTTP client. */
class PreviewApiTest {
  @TempDir static Path work;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(ServeConfig.defaults().withMaxVideoBytes(5_000_000), work);
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  @Test
  void runningJobStreamsJpegPartsUntilItEnds() throws Exception {
    Path clip = work.resolve("long.mp4");
    SampleClip.write(clip, new SampleClip.Spec(160, 120, 15, 600, 44_100));
    HttpResponse<byte[]> created =
        t.post("/api/jobs?style=starry_night", "video/mp4", Files.readAllBytes(clip));
    assertEquals(202, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
    String id = json(created).path("id").asText();

    HttpResponse<InputStream> stream =
        t.http.send(
            HttpRequest.newBuilder(t.uri("/api/pipelines/" + id + "/preview.mjpeg"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    String type = stream.headers().firstValue("Content-Type").orElse("");
    assertTrue(type.startsWith("multipart/x-mixed-replace"), type);
    String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());
    try (InputStream in = stream.body()) {
      for (int part = 0; part < 2; part++) {
        assertEquals("--" + boundary, readLine(in));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
          int colon = line.indexOf(':');
          headers.put(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).trim());
        }
        assertEquals("image/jpeg", headers.get("content-type"), headers.toString());
        byte[] jpeg = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        assertEquals("", readLine(in));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "part " + part + " is not a JPEG");
        assertEquals(160, image.getWidth());
        assertEquals(120, image.getHeight());
      }
      // stopping the job ends the stream
      assertEquals(
          200,
          t.post("/api/pipelines/" + id + "/stop", "application/json", new byte[0]).statusCode());
      CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> readAll(in));
      String tail = new String(rest.get(10, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1);
      assertTrue(tail.endsWith("--" + boundary + "--\r\n"), "the stream did not end cleanly");
    }
    assertEquals(409, t.get("/api/pipelines/" + id + "/preview.mjpeg").statusCode());
    assertEquals(204, t.delete("/api/pipelines/" + id).statusCode());
    assertTrue(
        new String(t.get("/metrics").body(), StandardCharsets.UTF_8)
            .contains("restyle_serve_preview_viewers 0.0"));
  }

  @Test
  void unknownPipelineIs404Json() throws Exception {
    HttpResponse<byte[]> missing = t.get("/api/pipelines/nope/preview.mjpeg");
    assertEquals(404, missing.statusCode());
    assertTrue(json(missing).path("message").asText().contains("nope"));
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      line.write(b);
    }
    String s = line.toString(StandardCharsets.US_ASCII);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
