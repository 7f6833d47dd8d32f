package dev.restyle.ingest.temporal;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.source.VideoFileSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The warping error ({@link WarpError}) of output video files against the input file they were made
 * from, decoded frame by frame side by side. Every file must hold the same number of frames of one
 * size (an output of {@code restyle video} does).
 */
public final class ClipWarpError {
  private ClipWarpError() {}

  /**
   * What was measured.
   *
   * @param input the input clip
   * @param outputs the output clips, in the order given
   * @param errors E_warp of each output (RGB 0..1, mean squared), in the same order
   * @param inputError E_warp of the input itself (its noise and the flow's own error: a floor)
   * @param pairs pairs of consecutive frames measured
   * @param visibleShare the mean share of pixels compared (not occluded)
   * @param flow the optical flow measured with
   */
  public record Result(
      Path input,
      List<Path> outputs,
      List<Double> errors,
      double inputError,
      long pairs,
      double visibleShare,
      EvaluationFlow flow) {}

  /**
   * Measures.
   *
   * @param maxFrames the most frames read from each file (0 for all)
   * @throws IOException if a file cannot be read, or the files differ in frame count or size
   */
  public static Result measure(Path input, List<Path> outputs, EvaluationFlow flow, int maxFrames)
      throws IOException {
    Objects.requireNonNull(flow, "flow");
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("at least one output clip to measure");
    }
    List<VideoFileSource> sources = new ArrayList<>();
    try (WarpError error = new WarpError(outputs.size() + 1, flow)) {
      sources.add(VideoFileSource.open(input, "input"));
      for (Path o : outputs) {
        sources.add(VideoFileSource.open(o, "output"));
      }
      long frames = 0;
      while (maxFrames <= 0 || frames < maxFrames) {
        Frame in = sources.get(0).read();
        List<byte[]> rgb = new ArrayList<>();
        rgb.add(in == null ? null : in.rgb());
        for (int k = 1; k < sources.size(); k++) {
          Frame out = sources.get(k).read();
          Path file = outputs.get(k - 1);
          if ((out == null) != (in == null)) {
            throw new IOException(
                (in == null ? file + " has more frames than " + input : file + " ends early")
                    + " (at frame "
                    + frames
                    + "): an output must have a frame for each input frame");
          }
          if (out != null && !out.sameSize(in)) {
            throw new IOException(
                file
                    + " is "
                    + out.width()
                    + "x"
                    + out.height()
                    + ", "
                    + input
                    + " is "
                    + in.width()
                    + "x"
                    + in.height()
                    + ": they must have one size");
          }
          rgb.add(out == null ? null : out.rgb());
        }
        if (in == null) {
          break;
        }
        error.add(rgb.get(0), rgb, in.width(), in.height());
        frames++;
      }
      if (error.pairs() == 0) {
        throw new IOException(input + " has fewer than two frames: nothing to measure");
      }
      List<Double> all = error.errors();
      return new Result(
          input,
          List.copyOf(outputs),
          List.copyOf(all.subList(1, all.size())),
          all.get(0),
          error.pairs(),
          error.visibleShare(),
          flow);
    } finally {
      for (VideoFileSource s : sources) {
        s.close();
      }
    }
  }
}
