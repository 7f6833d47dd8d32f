package dev.restyle.serve;

import static dev.restyle.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.serve.image.OutputFormat;
import dev.restyle.serve.image.Rgb;
import dev.restyle.serve.image.WebpFiles;
import dev.restyle.serve.inference.InferenceQueue;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image API against a real server on 127.0.0.1 with a real HTTP client. */
class ServerApiTest {
  @TempDir static Path work;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    ServeConfig config =
        ServeConfig.defaults()
            .withLimits(300_000, 2_000_000, 100_000)
            .withBatching(4, Duration.ofMillis(200), 64);
    t = new TestServer(config, work);
    assertTrue(t.server.ready(), "the server did not become ready");
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  private static BufferedImage decode(byte[] bytes) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    assertNotNull(image, "the response is not an image");
    return image;
  }

  private static void assertError(HttpResponse<byte[]> r, int status, String containing)
      throws IOException {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertEquals(status, r.statusCode(), body);
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), body);
    JsonNode error = json(r);
    assertEquals(status, error.path("status").asInt(), body);
    assertTrue(
        error.path("message").asText().contains(containing),
        "expected '" + containing + "' in " + body);
  }

  @Test
  void listsStylesWithThumbnails() throws Exception {
    JsonNode styles = json(t.get("/api/styles")).path("styles");
    List<String> names = new ArrayList<>();
    styles.forEach(s -> names.add(s.path("name").asText()));
    assertTrue(names.contains("starry_night"), names.toString());
    JsonNode first = styles.get(0);
    assertEquals("bundled", first.path("origin").asText());
    HttpResponse<byte[]> thumb = t.get(first.path("thumbnail").asText());
    assertEquals(200, thumb.statusCode());
    assertEquals("image/jpeg", thumb.headers().firstValue("Content-Type").orElse(""));
    BufferedImage image = decode(thumb.body());
    assertEquals(192, image.getWidth());
    assertEquals(144, image.getHeight());
    assertEquals(200, t.get("/api/styles/starry_night").statusCode());
    assertError(t.get("/api/styles/nope/thumbnail.jpg"), 404, "unknown style 'nope'");
  }

  @Test
  void stylisesARawJpegBody() throws Exception {
    byte[] photo = TestServer.jpeg(96, 64);
    HttpResponse<byte[]> r = t.post("/api/stylize?style=starry_night", "image/jpeg", photo);
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals("96x64", r.headers().firstValue("X-Restyle-Size").orElse(""));
    BufferedImage out = decode(r.body());
    assertEquals(96, out.getWidth());
    assertEquals(64, out.getHeight());
    assertTrue(meanDifference(ImageFiles.decode(photo, 1 << 20), out) > 5, "nothing was stylised");
  }

  @Test
  void multipartWithOptionsPngAndMaxSize() throws Exception {
    Multipart form =
        new Multipart()
            .file("image", "photo.jpg", "image/jpeg", TestServer.jpeg(160, 120))
            .field("style", "the_scream")
            .field("strength", "0.5")
            .field("preserve_colours", "true")
            .field("max_size", "80")
            .field("format", "png");
    HttpResponse<byte[]> r = t.post("/api/stylize", form);
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("image/png", r.headers().firstValue("Content-Type").orElse(""));
    BufferedImage out = decode(r.body());
    assertEquals(80, out.getWidth());
    assertEquals(60, out.getHeight());
  }

  @Test
  void acceptHeaderPicksPng() throws Exception {
    HttpResponse<byte[]> r =
        t.http.send(
            java.net.http.HttpRequest.newBuilder(t.uri("/api/stylize?style=starry_night"))
                .header("Content-Type", "image/jpeg")
                .header("Accept", "image/png, */*")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(TestServer.jpeg(32, 32)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("image/png", r.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void webpByParameterAndAcceptHeaderMatchesThePng() throws Exception {
    byte[] photo = TestServer.jpeg(96, 64);
    HttpResponse<byte[]> png =
        t.post("/api/stylize?style=starry_night&format=png", "image/jpeg", photo);
    assertEquals(200, png.statusCode());
    HttpResponse<byte[]> r =
        t.post("/api/stylize?style=starry_night&format=webp", "image/jpeg", photo);
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("image/webp", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(
        r.headers().firstValue("Content-Disposition").orElse("").contains(".webp"),
        r.headers().map().toString());
    WebpFiles.assertSignature(r.body());
    WebpFiles.Decoded webp = WebpFiles.decode(r.body());
    assertEquals(96, webp.width());
    assertEquals(64, webp.height());
    double difference = WebpFiles.meanDifference(Rgb.pack(decode(png.body())), webp.rgb());
    // lossy WebP of a 96x64 picture full of fine brush strokes: about 8 levels (a wrong or blank
    // picture differs by tens)
    assertTrue(difference < 12, "WebP differs from the PNG by " + difference + " per channel");

    HttpResponse<byte[]> accepted =
        t.http.send(
            java.net.http.HttpRequest.newBuilder(t.uri("/api/stylize?style=starry_night"))
                .header("Content-Type", "image/jpeg")
                .header("Accept", "image/webp,image/*;q=0.8")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(photo))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, accepted.statusCode());
    assertEquals("image/webp", accepted.headers().firstValue("Content-Type").orElse(""));
    WebpFiles.assertSignature(accepted.body());
  }

  @Test
  void badInputGetsClearErrorsAndTheServerKeepsServing() throws Exception {
    byte[] photo = TestServer.jpeg(64, 48);
    assertError(
        t.postRefusable("/api/stylize?style=nope", "image/jpeg", photo),
        404,
        "unknown style 'nope'");
    assertError(t.post("/api/stylize", "image/jpeg", photo), 400, "'style' parameter is missing");
    assertError(
        t.post("/api/stylize?style=starry_night", "text/plain", "hello".getBytes()),
        400,
        "not an image");
    byte[] truncated = java.util.Arrays.copyOf(photo, 40);
    assertEquals(
        400, t.post("/api/stylize?style=starry_night", "image/jpeg", truncated).statusCode());
    assertError(
        t.post("/api/stylize?style=starry_night", "image/png", pngBomb(60_000, 60_000)),
        413,
        "60000x60000");
    assertError(
        t.postRefusable("/api/stylize?style=starry_night", "image/jpeg", new byte[400_000]),
        413,
        "larger than the limit of 293.0 KiB");
    assertError(
        t.post("/api/stylize?style=starry_night", "image/jpeg", TestServer.jpeg(400, 300)),
        413,
        "pass max_size=");
    assertEquals(
        200,
        t.post(
                "/api/stylize?style=starry_night&max_size=300",
                "image/jpeg",
                TestServer.jpeg(400, 300))
            .statusCode());
    assertError(
        t.post("/api/stylize?style=starry_night&strength=2", "image/jpeg", photo),
        400,
        "between 0 and 1");
    assertError(
        t.post("/api/stylize?style=starry_night&preserve_colours=maybe", "image/jpeg", photo),
        400,
        "true or false");
    assertError(
        t.post("/api/stylize?style=starry_night&max_size=abc", "image/jpeg", photo),
        400,
        "whole number");
    assertError(
        t.post("/api/stylize?style=starry_night&format=gif", "image/jpeg", photo),
        400,
        "jpeg, png");
    if (!OutputFormat.WEBP.available()) {
      assertError(
          t.post("/api/stylize?style=starry_night&format=webp", "image/jpeg", photo),
          406,
          "no WEBP encoder");
    }
    assertError(
        t.post("/api/stylize?style=starry_night", new Multipart().field("style", "x")),
        400,
        "no file field 'image'");
    assertError(
        t.post("/api/stylize", "multipart/form-data; boundary=x", "garbage".getBytes()),
        400,
        "malformed request");
    assertError(t.get("/api/jobs/unknown"), 404, "no pipeline or job has the id 'unknown'");
    assertError(t.get("/api/nothing-here"), 404, "no such endpoint");
    assertError(t.delete("/api/styles"), 405, "not allowed");
    // still serving
    assertEquals(200, t.post("/api/stylize?style=starry_night", "image/jpeg", photo).statusCode());
  }

  @Test
  void concurrentRequestsShareBatches() throws Exception {
    byte[] photo = TestServer.jpeg(48, 48);
    List<CompletableFuture<HttpResponse<byte[]>>> pending = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      pending.add(
          t.http.sendAsync(
              java.net.http.HttpRequest.newBuilder(
                      t.uri("/api/stylize?style=the_scream&strength=0.9"))
                  .header("Content-Type", "image/jpeg")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(photo))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }
    for (CompletableFuture<HttpResponse<byte[]>> p : pending) {
      assertEquals(200, p.get().statusCode());
    }
    double biggest = t.server.meterRegistry().get(InferenceQueue.BATCH_SIZE).summary().max();
    assertTrue(
        biggest > 1, "no two requests shared a network pass (largest batch " + biggest + ")");
  }

  @Test
  void healthAndMetrics() throws Exception {
    assertEquals("UP", json(t.get("/health/live")).path("status").asText());
    HttpResponse<byte[]> ready = t.get("/health/ready");
    assertEquals(200, ready.statusCode());
    assertEquals("UP", json(ready).path("checks").path("engine").path("status").asText());
    t.post("/api/stylize?style=starry_night", "image/jpeg", TestServer.jpeg(32, 32));
    HttpResponse<byte[]> metrics = t.get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String text = new String(metrics.body(), StandardCharsets.UTF_8);
    for (String name :
        List.of(
            "restyle_serve_batch_size_images_count",
            "restyle_serve_inference_latency_seconds_bucket",
            "restyle_serve_queue_depth",
            "restyle_serve_http_requests_seconds_count{method=\"POST\",route=\"/api/stylize\",status=\"200\"}",
            "restyle_serve_pipelines{state=\"running\"}",
            "jvm_memory_used_bytes")) {
      assertTrue(text.contains(name), name + " is missing from /metrics");
    }
  }

  /** Mean absolute difference per channel, 0 to 255. */
  static double meanDifference(BufferedImage a, BufferedImage b) {
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift < 24; shift += 8) {
          sum += Math.abs(((p >> shift) & 255) - ((q >> shift) & 255));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }

  /**
   * A valid PNG of a few hundred bytes that declares {@code width x height} pixels: an image bomb
   * (its one row of data would expand into gigabytes if it were decoded).
   */
  static byte[] pngBomb(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width)
        .putInt(height)
        .put((byte) 8)
        .put((byte) 2)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (var z = new java.util.zip.DeflaterOutputStream(deflated)) {
      z.write(new byte[4096]);
    }
    chunk(out, "IDAT", deflated.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  static void assertNotServerError(HttpResponse<byte[]> r) {
    assertFalse(r.statusCode() >= 500, new String(r.body(), StandardCharsets.UTF_8));
  }
}
