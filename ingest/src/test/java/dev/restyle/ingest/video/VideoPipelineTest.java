package dev.restyle.ingest.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_PCM_MULAW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.ingest.TestNetworks;
import dev.restyle.ingest.audio.AudioTrack;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.inference.StylizeProcessor;
import dev.restyle.ingest.metrics.PipelineMetrics;
import dev.restyle.ingest.pipeline.Pipeline;
import dev.restyle.ingest.pipeline.PipelineException;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.ingest.sink.VideoFileSink;
import dev.restyle.ingest.source.VideoFileSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Video files end to end with real FFmpeg: a 12-frame 64x48 clip at 10 fps with a tone, stylised by
 * a small random network.
 */
class VideoPipelineTest {
  private static final SampleClip.Spec CLIP = new SampleClip.Spec(64, 48, 10, 12, 8_000);

  /** Mean absolute difference allowed between an output frame and its reference (H.264/MPEG-4). */
  private static final double TOLERANCE = 12;

  /**
   * Half style, half photo: a random network paints nearly the same flat texture over any input, so
   * the blend keeps each frame's own picture in the output and a frame out of order stands out.
   */
  private static final StyleOptions OPTIONS = new StyleOptions(0.5f, false);

  @TempDir static Path dir;
  private static Path input;
  private static TestClips.Decoded decodedInput;
  private static StyleNetwork network;

  @BeforeAll
  static void writeClip() throws IOException {
    FfmpegLog.install();
    input = dir.resolve("clip.mp4");
    TestClips.write(input, CLIP, "mp4", AV_CODEC_ID_MPEG4, AV_CODEC_ID_AAC, 90);
    decodedInput = TestClips.read(input);
    assertEquals(CLIP.frames(), decodedInput.frames().size());
    network = TestNetworks.gentleRandom(1);
  }

  @AfterAll
  static void closeNetwork() {
    network.close();
  }

  /** Runs input through the network into output, with metrics in registry. */
  private static PipelineResult stylise(
      Path in, Path out, BatchProcessor processor, MeterRegistry registry) throws Exception {
    try (VideoFileSource source = VideoFileSource.open(in);
        VideoFileSink sink =
            VideoFileSink.open(
                out, source.info(), source.openAudio(), VideoFileSink.Settings.DEFAULT)) {
      return Pipeline.builder(source, processor, sink)
          .maxBatch(4)
          .maxWait(Duration.ofSeconds(2))
          .meterRegistry(registry)
          .build()
          .run();
    }
  }

  @Test
  void stylisesEveryFrameInOrderKeepingTimestampsAndAudio() throws Exception {
    Path output = dir.resolve("out.mp4");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PipelineResult result = stylise(input, output, StylizeProcessor.of(network, OPTIONS), registry);

    TestClips.Decoded out = TestClips.read(output);
    assertEquals(CLIP.frames(), out.frames().size(), "frame count");
    assertEquals(decodedInput.timestamps(), out.timestamps(), "timestamps");
    assertEquals(CLIP.frameRate(), out.frameRate(), 1e-6);
    assertEquals(90, decodedInput.rotation(), 1e-6, "the input's display matrix");
    assertEquals(decodedInput.rotation(), out.rotation(), 1e-6, "display rotation kept");
    assertTrue(
        List.of("h264", "mpeg4").contains(out.videoCodec()), "video codec " + out.videoCodec());

    // audio: copied, so the same codec and the same duration (within a frame)
    assertEquals("aac", out.audioCodec(), "audio codec");
    assertEquals(
        decodedInput.audioSeconds(), out.audioSeconds(), 1.0 / CLIP.frameRate(), "audio duration");
    assertTrue(out.audioSeconds() > 1.0, "audio lasts " + out.audioSeconds() + " s");

    // each output frame is the single-image stylisation of its own input frame, and of no other
    Stylizer single = new Stylizer(network);
    List<BufferedImage> expected = new ArrayList<>();
    for (BufferedImage frame : decodedInput.frames()) {
      expected.add(single.stylize(frame, OPTIONS));
    }
    for (int k = 0; k < CLIP.frames(); k++) {
      double[] diffs = new double[CLIP.frames()];
      int closest = 0;
      for (int j = 0; j < CLIP.frames(); j++) {
        diffs[j] = TestClips.meanAbsDiff(out.frames().get(k), expected.get(j));
        if (diffs[j] < diffs[closest]) {
          closest = j;
        }
      }
      assertTrue(diffs[k] < TOLERANCE, "frame " + k + " differs by " + diffs[k]);
      assertEquals(k, closest, "output frame " + k + " is nearest to " + Arrays.toString(diffs));
    }

    // metrics
    assertEquals(CLIP.frames(), result.framesIn());
    assertEquals(CLIP.frames(), result.framesOut());
    assertEquals(0, result.framesDropped());
    assertEquals(0, result.decodeErrors());
    assertEquals(3, result.batches());
    assertEquals(CLIP.frames(), counter(registry, PipelineMetrics.FRAMES_IN));
    assertEquals(CLIP.frames(), counter(registry, PipelineMetrics.FRAMES_OUT));
    assertEquals(0, counter(registry, PipelineMetrics.FRAMES_DROPPED));
    assertEquals(0, counter(registry, PipelineMetrics.DECODE_ERRORS));
    assertEquals(0, counter(registry, PipelineMetrics.ENCODE_ERRORS));
    var batches = registry.get(PipelineMetrics.BATCH_SIZE).summary();
    assertEquals(3, batches.count());
    assertEquals(CLIP.frames(), batches.totalAmount());
    assertEquals(4, batches.max());
    assertEquals(3, registry.get(PipelineMetrics.INFERENCE_LATENCY).timer().count());
    assertEquals(CLIP.frames(), registry.get(PipelineMetrics.FRAME_LATENCY).timer().count());
    assertEquals(3, registry.get(PipelineMetrics.QUEUE_DEPTH).gauges().size());
  }

  private static double counter(MeterRegistry registry, String name) {
    return registry.get(name).tag("stream", "clip.mp4").counter().count();
  }

  @Test
  void audioTheContainerCannotHoldIsEncodedAgain() throws Exception {
    Path mkv = dir.resolve("mulaw.mkv");
    TestClips.write(mkv, CLIP, "matroska", AV_CODEC_ID_MPEG4, AV_CODEC_ID_PCM_MULAW);
    Path output = dir.resolve("from-mkv.mp4");
    try (VideoFileSource source = VideoFileSource.open(mkv);
        VideoFileSink sink =
            VideoFileSink.open(
                output, source.info(), source.openAudio(), VideoFileSink.Settings.DEFAULT)) {
      assertEquals(AudioTrack.Mode.TRANSCODE, sink.audio().orElseThrow().mode());
      Pipeline.builder(source, batch -> batch, sink).build().run();
    }
    TestClips.Decoded in = TestClips.read(mkv);
    TestClips.Decoded out = TestClips.read(output);
    assertEquals(in.timestamps(), out.timestamps());
    assertEquals("aac", out.audioCodec());
    assertEquals(in.audioSeconds(), out.audioSeconds(), 1.0 / CLIP.frameRate());
  }

  @Test
  void aFileFfmpegCannotReadIsRefusedClearly() throws IOException {
    Path garbage = dir.resolve("garbage.mp4");
    byte[] noise = new byte[64 * 1024];
    new Random(7).nextBytes(noise);
    Files.write(garbage, noise);
    IOException e = assertThrows(IOException.class, () -> VideoFileSource.open(garbage));
    assertTrue(e.getMessage().contains("garbage.mp4"), e.getMessage());
    assertTrue(e.getMessage().contains("not a video file FFmpeg can read"), e.getMessage());

    // an MP4 cut short loses its index (written last) and cannot be opened either
    Path truncated = dir.resolve("truncated.mp4");
    byte[] whole = Files.readAllBytes(input);
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
    e = assertThrows(IOException.class, () -> VideoFileSource.open(truncated));
    assertTrue(e.getMessage().contains("truncated.mp4"), e.getMessage());

    assertThrows(NoSuchFileException.class, () -> VideoFileSource.open(dir.resolve("none.mp4")));
  }

  @Test
  void damageInsideAFileIsCountedAndSkipped() throws Exception {
    Path damaged = dir.resolve("damaged.mp4");
    byte[] bytes = Files.readAllBytes(input);
    int mdat = indexOf(bytes, "mdat".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertTrue(mdat > 0, "the clip has an mdat box");
    int size = java.nio.ByteBuffer.wrap(bytes, mdat - 4, 4).getInt() - 8;
    byte[] noise = new byte[size / 4];
    new Random(11).nextBytes(noise);
    System.arraycopy(noise, 0, bytes, mdat + 4 + size / 3, noise.length);
    Files.write(damaged, bytes);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PipelineResult result =
        stylise(damaged, dir.resolve("from-damaged.mp4"), batch -> batch, registry);
    assertTrue(result.decodeErrors() > 0, "decode errors: " + result.decodeErrors());
    assertEquals(
        result.decodeErrors(),
        registry.get(PipelineMetrics.DECODE_ERRORS).counter().count(),
        "the metric counts them");
    assertEquals(result.framesIn(), result.framesOut());
    assertTrue(result.framesOut() > 0);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void aFailingStageStopsThePipelineWithoutOutput() {
    Path output = dir.resolve("failed.mp4");
    AtomicInteger calls = new AtomicInteger();
    BatchProcessor failing =
        batch -> {
          if (calls.incrementAndGet() == 2) {
            throw new IllegalStateException("the network broke");
          }
          return batch;
        };
    PipelineException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(15),
            () ->
                assertThrows(
                    PipelineException.class,
                    () -> stylise(input, output, failing, new SimpleMeterRegistry())));
    assertEquals("inference", e.stage());
    assertTrue(e.getMessage().contains("the network broke"), e.getMessage());
    assertFalse(Files.exists(output));
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(
          files.noneMatch(f -> f.getFileName().toString().contains("partial")),
          "a partial file was left behind");
    } catch (IOException io) {
      throw new AssertionError(io);
    }
  }

  @Test
  void frameRecordsRefuseInconsistentPixels() {
    assertThrows(IllegalArgumentException.class, () -> new Frame("s", 0, 0, 4, 4, new byte[47], 0));
  }
}
