package dev.restyle.ingest.live;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real RTSP server on 127.0.0.1 for tests: Debian's {@code rtsp-server-perl} (publishers ANNOUNCE
 * and RECORD on one port, clients PLAY from another; RTP over UDP only), fed by the {@code ffmpeg}
 * command line pushing a looped still image as H.264 at 10 fps. Tests skip where either is missing
 * (CI installs both, see .ci/apt-packages).
 */
final class RtspTestServer implements AutoCloseable {
  static final String SERVER = "/usr/bin/rtsp-server-perl";
  static final String FFMPEG = "/usr/bin/ffmpeg";

  private final Path logs;
  private final int clientPort;
  private final int sourcePort;
  private final int rtpStart;
  private Process server;
  private Process publisher;

  RtspTestServer(Path logs) throws IOException {
    this.logs = logs;
    this.clientPort = freePort();
    this.sourcePort = freePort();
    this.rtpStart = 20_000 + 2 * ThreadLocalRandom.current().nextInt(10_000);
  }

  /** Skips the calling test unless the server and ffmpeg are installed. */
  static void assumeAvailable() {
    assumeTrue(
        Files.isExecutable(Path.of(SERVER)) && Files.isExecutable(Path.of(FFMPEG)),
        "needs rtsp-server-perl and ffmpeg (apt-get install rtsp-server-perl ffmpeg)");
  }

  /** Where clients play the stream {@code name}. */
  String playUrl(String name) {
    return "rtsp://127.0.0.1:" + clientPort + "/" + name;
  }

  /** Where publishers push the stream {@code name}. */
  String publishUrl(String name) {
    return "rtsp://127.0.0.1:" + sourcePort + "/" + name;
  }

  /** Starts the server and waits until it listens. */
  void startServer() throws IOException, InterruptedException {
    server =
        new ProcessBuilder(
                SERVER,
                "--clientport",
                Integer.toString(clientPort),
                "--serverport",
                Integer.toString(sourcePort),
                "--client_listen_address",
                "127.0.0.1",
                "--source_listen_address",
                "127.0.0.1",
                "--rtp_start_port",
                Integer.toString(rtpStart),
                "--loglevel",
                "2")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("server.log").toFile()))
            .start();
    awaitListening(clientPort);
    awaitListening(sourcePort);
  }

  /** Starts ffmpeg pushing {@code image} in a loop as stream {@code name}. */
  void startPublisher(Path image, String name) throws IOException {
    publisher =
        new ProcessBuilder(
                List.of(
                    FFMPEG,
                    "-hide_banner",
                    "-nostdin",
                    "-loglevel",
                    "warning",
                    "-re",
                    "-loop",
                    "1",
                    "-framerate",
                    "10",
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
                    "-f",
                    "rtsp",
                    "-rtsp_transport",
                    "udp",
                    publishUrl(name)))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(logs.resolve("publisher.log").toFile()))
            .start();
  }

  /** Kills the publisher and the server, as a camera that loses power. */
  void kill() throws InterruptedException {
    stop(publisher);
    stop(server);
    publisher = null;
    server = null;
  }

  private static void stop(Process process) throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void awaitListening(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IOException(
            "rtsp-server-perl exited: " + Files.readString(logs.resolve("server.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("rtsp-server-perl does not listen on " + port);
  }
}
