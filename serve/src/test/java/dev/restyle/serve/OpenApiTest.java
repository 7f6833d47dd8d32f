package dev.restyle.serve;

import static dev.restyle.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document parses, and every operation it lists is routed by the server. */
class OpenApiTest {
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

  @Test
  void everyDocumentedOperationIsRouted() throws Exception {
    HttpResponse<byte[]> doc = t.get("/openapi.yaml");
    assertEquals(200, doc.statusCode());
    JsonNode api = new ObjectMapper(new YAMLFactory()).readTree(doc.body());
    assertEquals("3.0.3", api.path("openapi").asText());
    List<String> checked = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : api.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
        if (method.equals("PARAMETERS")) {
          continue;
        }
        assertTrue(
            op.getValue().has("responses"), path.getKey() + " " + method + " has no responses");
        String url =
            path.getKey().replace("{name}", "starry_night").replace("{id}", "does-not-exist");
        HttpRequest.Builder request = HttpRequest.newBuilder(t.uri(url));
        request.method(
            method,
            method.equals("GET") || method.equals("DELETE")
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{}"));
        HttpResponse<String> r = t.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String body = r.body();
        assertFalse(body.contains("no such endpoint"), method + " " + url + ": " + body);
        assertFalse(
            r.statusCode() == 405 || r.statusCode() >= 500, method + " " + url + ": " + body);
        assertTrue(
            op.getValue().path("responses").has(Integer.toString(r.statusCode())),
            method
                + " "
                + url
                + " answered "
                + r.statusCode()
                + ", which the document does not list");
        checked.add(method + " " + path.getKey());
      }
    }
    assertTrue(checked.size() >= 17, checked.toString());
    assertTrue(json(t.get("/api/styles")).has("styles"));
    assertTrue(
        new String(t.get("/").body(), StandardCharsets.UTF_8).contains("<title>restyle</title>"));
  }
}
