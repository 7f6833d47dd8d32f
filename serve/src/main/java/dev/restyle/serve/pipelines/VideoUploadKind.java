package dev.restyle.serve.pipelines;

import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import dev.restyle.ingest.sink.VideoFileSink;
import dev.restyle.ingest.source.VideoFileSource;
import dev.restyle.serve.http.ApiException;
import dev.restyle.serve.http.Params;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An uploaded video file, stylised into an MP4 that keeps its timing and audio (the pipeline of
 * {@code restyle video}): options {@code style}, {@code strength}, {@code preserve_colours}, {@code
 * temporal} (stabilisation, default on).
 */
public final class VideoUploadKind implements PipelineKind {
  public static final String NAME = "video-upload";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "an uploaded video file, stylised into an MP4 with the same timing and audio";
  }

  @Override
  public PipelineParts open(PipelineRequest request, PipelineContext context) throws IOException {
    PipelineRequest.Upload upload =
        request
            .upload()
            .orElseThrow(
                () -> ApiException.badRequest("a video-upload pipeline needs a video file"));
    String style = request.require("style");
    StyleOptions options = Params.options(request::option);
    BatchProcessor processor = context.processor(style, options); // unknown style: 404 first
    VideoFileSource source;
    try {
      source = VideoFileSource.open(upload.file(), context.id());
    } catch (IOException e) {
      throw new ApiException(
          415, "cannot read '" + upload.filename() + "' as a video: " + e.getMessage());
    }
    try {
      Path output = context.directory().resolve("output.mp4");
      VideoFileSink sink =
          VideoFileSink.open(
              output, source.info(), source.openAudio(), VideoFileSink.Settings.DEFAULT);
      return new PipelineParts(
          source, processor, sink, context.maxBatch(), OverflowPolicy.BLOCK, Optional.of(output));
    } catch (IOException | RuntimeException e) {
      source.close();
      throw e;
    }
  }
}
