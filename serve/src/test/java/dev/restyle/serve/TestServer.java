package dev.restyle.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.ingest.sample.SampleClip;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A real server on 127.0.0.1 (random port) with the bundled styles, and a real HTTP client. */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final RestyleServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestServer(ServeConfig config, Path work) throws Exception {
    this(config, work, StyleRegistry.withUserDirectory(work.resolve("no-user-styles")));
  }

  TestServer(ServeConfig config, Path work, StyleRegistry styles) throws Exception {
    server =
        RestyleServer.builder(config.withHost("127.0.0.1").withPort(0).withWorkDirectory(work))
            .styles(styles)
            .build()
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!server.ready() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> delete(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).DELETE().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> post(String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * Posts a body the server refuses from its length: the client waits for "100 Continue" and so
   * never writes into a connection the server has already answered and closed.
   */
  HttpResponse<byte[]> postRefusable(String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .expectContinue(true)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> post(String path, Multipart form) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", form.contentType())
            .POST(form.publisher())
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /** A drawn test picture (the sample clip's frame) encoded as JPEG. */
  static byte[] jpeg(int width, int height) throws IOException {
    BufferedImage image = SampleClip.frame(new SampleClip.Spec(width, height, 15, 45, 44_100), 20);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageFiles.write(image, "jpeg", out);
    return out.toByteArray();
  }

  @Override
  public void close() {
    server.close();
  }
}
