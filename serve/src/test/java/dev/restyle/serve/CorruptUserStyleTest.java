package dev.restyle.serve;

import static dev.restyle.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restyle.engine.registry.StyleRegistry;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network files in the user style directory that fail verification (a changed weight, so a wrong
 * SHA-256; a truncated file; random bytes) are refused: the style is reported unavailable with a
 * JSON 409, never a 500, and the other styles, a good user style included, keep working. A broken
 * user file that shadows the first bundled style does not keep the server from getting ready.
 */
class CorruptUserStyleTest {
  @TempDir Path work;

  static byte[] bundled(String name) throws Exception {
    String resource = "dev/restyle/styles/" + name + "/" + name + ".rsn";
    try (InputStream in =
        CorruptUserStyleTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertTrue(in != null, resource + " is not on the class path");
      return in.readAllBytes();
    }
  }

  @Test
  void corruptUserStylesAreUnavailableAndTheRestWork() throws Exception {
    Path styles = Files.createDirectories(work.resolve("styles"));
    byte[] good = bundled("starry_night");
    byte[] changed = good.clone();
    changed[changed.length - 1000] ^=
        0x40; // one weight changed: the payload hash no longer matches
    Files.write(styles.resolve("changed.rsn"), changed);
    Files.write(styles.resolve("truncated.rsn"), Arrays.copyOf(good, good.length / 2));
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    Files.write(styles.resolve("noise.rsn"), noise);
    Files.write(styles.resolve("mine.rsn"), good);
    Files.write(styles.resolve("candy.rsn"), changed); // shadows the first bundled style

    try (TestServer t =
        new TestServer(ServeConfig.defaults(), work, StyleRegistry.withUserDirectory(styles))) {
      assertTrue(t.server.ready(), "a broken first style kept the server from getting ready");
      byte[] photo = TestServer.jpeg(48, 32);
      for (String broken : new String[] {"changed", "truncated", "noise", "candy"}) {
        for (int attempt = 0; attempt < 2; attempt++) { // refused the same way when remembered
          HttpResponse<byte[]> r =
              t.postRefusable("/api/stylize?style=" + broken, "image/jpeg", photo);
          assertUnavailable(r, broken);
        }
        assertUnavailable(t.get("/api/styles/" + broken + "/thumbnail.jpg"), broken);
        HttpResponse<byte[]> job =
            t.post(
                "/api/jobs",
                new Multipart()
                    .file("video", "clip.mp4", "video/mp4", JobsClip.bytes(work))
                    .field("style", broken));
        assertUnavailable(job, broken);
      }
      Map<String, JsonNode> listed = new HashMap<>();
      json(t.get("/api/styles"))
          .path("styles")
          .forEach(s -> listed.put(s.path("name").asText(), s));
      for (String broken : new String[] {"changed", "truncated", "noise", "candy"}) {
        assertEquals(false, listed.get(broken).path("available").asBoolean(true), broken);
        assertTrue(listed.get(broken).path("problem").asText().contains("refused"), broken);
      }
      assertTrue(
          listed.get("changed").path("problem").asText().contains("hash"),
          listed.get("changed").toString());
      for (String working : new String[] {"mine", "starry_night", "the_scream", "mosaic"}) {
        HttpResponse<byte[]> r = t.post("/api/stylize?style=" + working, "image/jpeg", photo);
        assertEquals(200, r.statusCode(), working + ": " + new String(r.body()));
        assertTrue(
            json(t.get("/api/styles/" + working)).path("available").asBoolean(false), working);
      }
      assertEquals(200, t.get("/health/ready").statusCode());
    }
  }

  private static void assertUnavailable(HttpResponse<byte[]> r, String style) throws Exception {
    String body = new String(r.body());
    assertEquals(409, r.statusCode(), style + ": " + body);
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), body);
    JsonNode error = json(r);
    assertEquals(409, error.path("status").asInt(), body);
    assertTrue(
        error.path("message").asText().contains("style '" + style + "' is unavailable"), body);
  }

  /** A tiny real video, made once per test directory. */
  static final class JobsClip {
    static byte[] bytes(Path work) throws Exception {
      Path file = work.resolve("clip.mp4");
      if (!Files.exists(file)) {
        dev.restyle.ingest.sample.SampleClip.write(
            file, new dev.restyle.ingest.sample.SampleClip.Spec(32, 24, 15, 3, 44_100));
      }
      return Files.readAllBytes(file);
    }
  }
}
