package dev.restyle.ingest.live;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * GStreamer's RTSP server on 127.0.0.1 (through {@code python3-gi}), serving an H.264 file to
 * clients over TCP (interleaved) or UDP: the camera for tests of the default TCP transport, which
 * rtsp-server-perl lacks. Tests skip where GStreamer's RTSP server is missing (CI installs it, see
 * .ci/apt-packages).
 */
public final class GstRtspTestServer implements AutoCloseable {
  private static final String PYTHON = "/usr/bin/python3";

  private final Path dir;
  private final int port;
  private Process server;

  public GstRtspTestServer(Path dir) throws IOException {
    this.dir = dir;
    try (ServerSocket socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    }
  }

  /** Skips the calling test unless python3-gi, GStreamer's RTSP server and ffmpeg are there. */
  public static void assumeAvailable() throws InterruptedException {
    boolean ok =
        Files.isExecutable(Path.of(PYTHON)) && Files.isExecutable(Path.of("/usr/bin/ffmpeg"));
    if (ok) {
      try {
        Process probe =
            new ProcessBuilder(
                    PYTHON,
                    "-c",
                    "import gi; gi.require_version('GstRtspServer', '1.0');"
                        + " from gi.repository import GstRtspServer")
                .redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        ok = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
      } catch (IOException e) {
        ok = false;
      }
    }
    assumeTrue(
        ok,
        "needs GStreamer's RTSP server (apt-get install python3-gi gir1.2-gst-rtsp-server-1.0"
            + " gstreamer1.0-plugins-good gstreamer1.0-plugins-bad) and ffmpeg");
  }

  /** Encodes {@code image} as a 10 fps H.264 Matroska clip of {@code seconds}, for serving. */
  public static Path clip(Path image, Path mkv, int seconds)
      throws IOException, InterruptedException {
    Process ffmpeg =
        new ProcessBuilder(
                List.of(
                    "/usr/bin/ffmpeg",
                    "-nostdin",
                    "-v",
                    "error",
                    "-y",
                    "-loop",
                    "1",
                    "-framerate",
                    "10",
                    "-t",
                    Integer.toString(seconds),
                    "-i",
                    image.toString(),
                    "-c:v",
                    "libx264",
                    "-preset",
                    "ultrafast",
                    "-tune",
                    "zerolatency",
                    "-g",
                    "10",
                    "-pix_fmt",
                    "yuv420p",
                    mkv.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ffmpeg.waitFor(60, TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
      throw new IOException("ffmpeg cannot write " + mkv + ": " + output);
    }
    return mkv;
  }

  public String url(String mount) {
    return "rtsp://127.0.0.1:" + port + mount;
  }

  /** Starts serving {@code mkv} at {@code mount} and waits until the server is ready. */
  public void start(String mount, Path mkv) throws IOException, InterruptedException {
    Path script = dir.resolve("gst-rtsp-server.py");
    try (InputStream in = getClass().getResourceAsStream("/live/gst-rtsp-server.py")) {
      Files.write(script, in.readAllBytes());
    }
    server =
        new ProcessBuilder(PYTHON, script.toString(), Integer.toString(port), mount, mkv.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readLine(lines));
    try {
      String line = ready.get(30, TimeUnit.SECONDS);
      if (!"ready".equals(line)) {
        throw new IOException("GStreamer's RTSP server did not start: " + line);
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("GStreamer's RTSP server did not start", e);
    }
    // keep draining its output so that it never blocks on a full pipe
    Thread.ofPlatform().daemon(true).start(() -> lines.lines().forEach(l -> {}));
  }

  private static String readLine(BufferedReader lines) {
    try {
      return lines.readLine();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Kills the server, as a camera that loses power. */
  void kill() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    server = null;
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
