package dev.restyle.cli.bench;

import ai.djl.pytorch.jni.JniUtils;
import dev.restyle.cli.Runtime;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.inference.StylizeProcessor;
import dev.restyle.ingest.pipeline.Pipeline;
import dev.restyle.ingest.pipeline.PipelineResult;
import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.ingest.sink.VideoFileSink;
import dev.restyle.ingest.source.VideoFileSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * End to end through the video file pipeline, as {@code restyle video} runs it: decode an MP4,
 * stylise, encode an MP4 (H.264 where available), with up to two predictors sharing the bench's
 * libtorch threads.
 */
final class ClipRun {
  private ClipRun() {}

  /** Writes the synthetic clip of that size (no audio), 25 frames per second. */
  static Path writeClip(Path dir, FrameSize size, int frames) throws IOException {
    Path clip = dir.resolve("clip-" + size + ".mp4");
    if (!Files.exists(clip)) {
      SampleClip.write(clip, new SampleClip.Spec(size.width(), size.height(), 25, frames, 0));
    }
    return clip;
  }

  /**
   * Stylises the clip into a scratch file; the result's fps is the end-to-end rate. As in {@code
   * restyle video}, two predictors run the network side by side on a CPU with two libtorch threads
   * or more, each with half of them, rounded down (the pipeline's threads take the setting when
   * they start); the setting is restored afterwards.
   */
  static PipelineResult run(Path clip, Path output, StyleNetwork network, int batch)
      throws Exception {
    int threads = JniUtils.getNumThreads();
    int predictors = Runtime.defaultPredictors(network.device(), threads);
    JniUtils.setNumThreads(threads / predictors);
    try (VideoFileSource source = VideoFileSource.open(clip, clip.getFileName().toString());
        VideoFileSink sink =
            VideoFileSink.open(
                output, source.info(), source.openAudio(), VideoFileSink.Settings.DEFAULT)) {
      Pipeline pipeline =
          Pipeline.builder(source, StylizeProcessor.of(network, StyleOptions.DEFAULT), sink)
              .maxBatch(batch)
              .maxWait(Duration.ofMillis(batch > 1 ? 100 : 0))
              .predictors(predictors)
              .build();
      return pipeline.run();
    } finally {
      JniUtils.setNumThreads(threads);
      Files.deleteIfExists(output);
    }
  }
}
