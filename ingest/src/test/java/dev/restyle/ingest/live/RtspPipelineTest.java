package dev.restyle.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.ingest.TestNetworks;
import dev.restyle.ingest.config.PipelineConfig;
import dev.restyle.ingest.config.PipelineConfigReader;
import dev.restyle.ingest.endpoint.Endpoints;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.inference.StylizeProcessor;
import dev.restyle.ingest.metrics.PipelineMetrics;
import dev.restyle.ingest.pipeline.PipelineListener;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.ingest.service.PipelineService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole live path against a real RTSP server on 127.0.0.1: a camera (ffmpeg pushing a still
 * picture at 10 fps) is stylised by a network slower than the camera, the server and camera die and
 * come back mid-run, and the output is checked frame by frame against single-image stylisation of
 * the picture.
 */
@Tag("slow")
class RtspPipelineTest {
  private static final SampleClip.Spec STILL = new SampleClip.Spec(96, 64, 10, 1, 8_000);
  private static final StyleOptions OPTIONS = new StyleOptions(0.5f, false);

  /** Mean absolute difference allowed: two lossy H.264 encodes lie between picture and output. */
  private static final double TOLERANCE = 12;

  @TempDir static Path dir;
  private static Path image;
  private static BufferedImage picture;
  private static StyleNetwork network;

  @BeforeAll
  static void setUp() throws Exception {
    RtspTestServer.assumeAvailable();
    FfmpegLog.install();
    picture = SampleClip.frame(STILL, 0);
    image = dir.resolve("still.png");
    ImageIO.write(picture, "png", image.toFile());
    network = TestNetworks.gentleRandom(7);
  }

  @AfterAll
  static void tearDown() {
    if (network != null) {
      network.close();
    }
  }

  private static PipelineConfig config(String source, String sink) {
    var tree = PipelineConfigReader.tree();
    var src = tree.putObject("source").put("uri", source).put("id", "cam");
    src.put("transport", "udp").put("timeout", "2s");
    src.putObject("reconnect").put("initialDelay", "200ms").put("maxDelay", "1s");
    tree.putObject("sink").put("uri", sink);
    tree.putObject("style").put("name", "test").put("strength", 0.5);
    tree.put("batch", 1).put("maxWait", "0ms");
    tree.putObject("metrics").put("port", 0).put("host", "127.0.0.1").put("logEvery", "1s");
    return new PipelineConfigReader(Endpoints.standard()).read(tree, "(test)");
  }

  @Test
  void stylisesALiveCameraThatDropsAndComesBack() throws Exception {
    Path output = dir.resolve("live.mp4");
    try (RtspTestServer rtsp = new RtspTestServer(dir)) {
      rtsp.startServer();
      rtsp.startPublisher(image, "cam");
      PipelineConfig config = config(rtsp.playUrl("cam"), output.toString());
      PipelineService service =
          new PipelineService(config, Endpoints.standard(), PipelineService.registryFor(config));
      MeterRegistry registry = service.registry();
      // a network four times slower than the camera: the queue must drop, and count it
      BatchProcessor slow = slowed(StylizeProcessor.of(network, OPTIONS), 400);
      CompletableFuture<PipelineResult> running =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return service.run(slow, 1, PipelineListener.NONE);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      await(() -> count(registry, PipelineMetrics.FRAMES_OUT) >= 5, running);

      String metrics = scrape(service.metricsPort());
      assertTrue(metrics.contains("restyle_frames_out_total{stream=\"cam\"}"), metrics);
      assertTrue(metrics.contains("restyle_source_connected{stream=\"cam\"} 1.0"), metrics);
      assertTrue(metrics.contains("restyle_source_reconnects_total{stream=\"cam\"} 0.0"), metrics);
      assertTrue(metrics.contains("restyle_frame_latency_seconds_bucket{stream=\"cam\""), metrics);

      rtsp.kill(); // the camera and its server lose power
      Thread.sleep(1500);
      double before = count(registry, PipelineMetrics.FRAMES_OUT);
      rtsp.startServer();
      rtsp.startPublisher(image, "cam");
      await(() -> count(registry, LiveSource.RECONNECTS) == 1, running);
      await(() -> count(registry, PipelineMetrics.FRAMES_OUT) >= before + 5, running);
      assertTrue(
          scrape(service.metricsPort())
              .contains("restyle_source_reconnects_total{stream=\"cam\"} 1.0"));
      service.stop();
      PipelineResult result = running.get(30, TimeUnit.SECONDS);

      assertTrue(result.framesDropped() > 0, result.toString());
      assertEquals(
          result.framesIn(), result.framesOut() + result.framesDropped(), result.toString());
      assertEquals(result.framesDropped(), (long) count(registry, PipelineMetrics.FRAMES_DROPPED));
      assertTrue(service.summary().contains("1 reconnects"), service.summary());
      assertTrue(
          service.summary().matches(".*latency p50 \\d+ ms p99 \\d+ ms.*"), service.summary());

      // the output: every frame is the picture stylised, and time never goes back
      Stylizer single = new Stylizer(network);
      BufferedImage expected = single.stylize(picture, OPTIONS);
      List<Long> timestamps = new ArrayList<>();
      List<BufferedImage> frames = decode(output, timestamps);
      assertEquals(result.framesOut(), frames.size());
      long biggestGap = 0;
      for (int i = 0; i < frames.size(); i++) {
        double diff = meanAbsDiff(frames.get(i), expected);
        assertTrue(diff < TOLERANCE, "frame " + i + " differs by " + diff);
        if (i > 0) {
          long gap = timestamps.get(i) - timestamps.get(i - 1);
          assertTrue(gap > 0, "timestamps go back at frame " + i + ": " + timestamps);
          biggestGap = Math.max(biggestGap, gap);
        }
      }
      // the outage shows as a pause in the output's time line
      assertTrue(biggestGap >= 1_000_000, "largest gap " + biggestGap + " us: " + timestamps);
      // and the stylised frames are not just the picture
      assertTrue(meanAbsDiff(frames.getFirst(), copy(picture)) > 2 * TOLERANCE / 3);
    }
  }

  private static BatchProcessor slowed(BatchProcessor processor, long millis) {
    return batch -> {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return processor.process(batch);
    };
  }

  private static double count(MeterRegistry registry, String counter) {
    Counter c = registry.find(counter).tag("stream", "cam").counter();
    return c == null ? 0 : c.count();
  }

  private static void await(BooleanSupplier condition, CompletableFuture<?> running)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (running.isDone()) {
        running.get(); // throws what ended it
        throw new AssertionError("the pipeline ended early");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting");
      }
      Thread.sleep(50);
    }
  }

  static String scrape(int port) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      return response.body();
    }
  }

  /** Decodes a video file with a plain grabber: frames and their timestamps. */
  static List<BufferedImage> decode(Path file, List<Long> timestamps) throws Exception {
    assertTrue(Files.isRegularFile(file), file + " was not written");
    List<BufferedImage> frames = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
      grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
      grabber.start();
      Frame frame;
      while ((frame = grabber.grabImage()) != null) {
        timestamps.add(frame.timestamp);
        ByteBuffer rgb = (ByteBuffer) frame.image[0];
        BufferedImage image =
            new BufferedImage(frame.imageWidth, frame.imageHeight, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < frame.imageHeight; y++) {
          for (int x = 0; x < frame.imageWidth; x++) {
            int at = y * frame.imageStride + 3 * x;
            image.setRGB(
                x,
                y,
                (rgb.get(at) & 0xff) << 16
                    | (rgb.get(at + 1) & 0xff) << 8
                    | rgb.get(at + 2) & 0xff);
          }
        }
        frames.add(image);
      }
      grabber.stop();
    }
    return frames;
  }

  static BufferedImage copy(BufferedImage image) {
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    out.getGraphics().drawImage(image, 0, 0, null);
    return out;
  }

  /** Mean absolute difference over the three channels, in 8-bit levels. */
  static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    assertEquals(a.getWidth(), b.getWidth());
    assertEquals(a.getHeight(), b.getHeight());
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift < 24; shift += 8) {
          sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }
}
