package dev.restyle.ingest.temporal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.source.VideoFileSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Clips made by the ffmpeg program for the temporal tests, and decoded back by restyle's own
 * source: a textured still background (sinusoidal stripes, so that optical flow has something to
 * hold on to) with light per-frame camera noise, and a red square moving across it.
 */
public final class TemporalClips {
  public static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

  /** Speed of the square, pixels per frame. */
  public static final int SPEED = 4;

  /** Side of the square in pixels. */
  public static final int SQUARE = 32;

  /** Top of the square. */
  public static final int SQUARE_Y = 40;

  /** Left of the square at frame 0. */
  public static final int SQUARE_X0 = 16;

  private TemporalClips() {}

  public static void assumeFfmpeg() {
    assumeTrue(Files.isExecutable(FFMPEG), "needs ffmpeg (apt-get install ffmpeg)");
  }

  /** The background texture: {@code phase} shifts its stripes (another phase, another scene). */
  private static String background(int width, int height, int fps, double phase) {
    return "nullsrc=s="
        + width
        + "x"
        + height
        + ":r="
        + fps
        + ",format=yuv444p,geq=lum='128+50*sin(X/6+"
        + phase
        + ")*cos(Y/9)+30*sin((X+2*Y)/23)':cb='128+40*sin(Y/17+"
        + phase
        + ")':cr='128+40*cos(X/21)'";
  }

  /**
   * A red square moving right by {@link #SPEED} pixels a frame over a still textured background,
   * with temporal camera noise.
   */
  public static Path movingSquare(Path out, int width, int height, int frames)
      throws IOException, InterruptedException {
    int fps = 25;
    String filter =
        background(width, height, fps, 0)
            + "[bg];color=c=0xdd2020:s="
            + SQUARE
            + "x"
            + SQUARE
            + ":r="
            + fps
            + "[sq];[bg][sq]overlay=x='"
            + SQUARE_X0
            + "+"
            + SPEED
            + "*n':y="
            + SQUARE_Y
            + ":shortest=0,noise=alls=6:allf=t,format=yuv420p";
    return encode(out, filter, frames);
  }

  /** A still textured scene for {@code frames / 2} frames, then a hard cut to another one. */
  public static Path hardCut(Path out, int width, int height, int frames)
      throws IOException, InterruptedException {
    int fps = 25;
    int half = frames / 2;
    String filter =
        background(width, height, fps, 0)
            + ",trim=end_frame="
            + half
            + "[a];"
            + background(width, height, fps, 2.5)
            + ",hue=h=120,trim=end_frame="
            + (frames - half)
            + ",setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1:a=0,noise=alls=6:allf=t,format=yuv420p";
    return encode(out, filter, frames);
  }

  private static Path encode(Path out, String filter, int frames)
      throws IOException, InterruptedException {
    return ffmpeg(List.of("-filter_complex", filter, "-frames:v", Integer.toString(frames)), out);
  }

  /**
   * {@code in} re-encoded to {@code out} with the given output options (filters, frame limits) and
   * the encoder settings the clips here share.
   */
  public static Path transcode(Path in, Path out, String... options)
      throws IOException, InterruptedException {
    List<String> arguments = new ArrayList<>(List.of("-i", in.toString()));
    arguments.addAll(List.of(options));
    return ffmpeg(arguments, out);
  }

  /** Runs ffmpeg with {@code arguments}, then H.264 at high quality without B-frames, to out. */
  private static Path ffmpeg(List<String> arguments, Path out)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(FFMPEG.toString(), "-nostdin", "-v", "error", "-y"));
    command.addAll(arguments);
    command.addAll(List.of("-c:v", "libx264", "-crf", "12", "-preset", "veryfast", "-bf", "0"));
    command.add(out.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("ffmpeg timed out");
    }
    if (process.exitValue() != 0) {
      throw new IOException("ffmpeg failed: " + new String(output, StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Every frame of a clip, decoded by restyle's {@link VideoFileSource}, under {@code streamId}.
   */
  public static List<Frame> read(Path file, String streamId) throws IOException {
    List<Frame> frames = new ArrayList<>();
    try (VideoFileSource source = VideoFileSource.open(file, streamId)) {
      Frame frame;
      while ((frame = source.read()) != null) {
        frames.add(frame);
      }
    }
    return frames;
  }
}
