package dev.restyle.cli.bench;

import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.engine.network.Upsampling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code restyle bench} measures, validated up front (every problem at once).
 *
 * @param networks the networks, by preset
 * @param upsampling how their upsampling stages interpolate
 * @param sizes frame sizes for the per-frame timings
 * @param clips frame sizes of the clips run end to end through the video pipeline (may be empty)
 * @param clipFrames frames per clip
 * @param batch frames per network pass
 * @param warmup untimed passes before the timed ones
 * @param repeats timed passes per row, split over the rounds
 * @param rounds alternating rounds of restyle's timings and the baseline's (the median of the round
 *     medians is reported): a machine that slows down part-way slows both alike
 * @param threads intra-op threads for libtorch (and for the baseline)
 * @param python the interpreter for the PyTorch eager baseline, or null to skip it
 * @param plot where to write the PNG plot, or null
 * @param json where to write the results as JSON, or null
 * @param trace where to write a libtorch profile of each network and size (Chrome traces), or null
 */
public record BenchConfig(
    List<NetworkPreset> networks,
    Upsampling upsampling,
    List<FrameSize> sizes,
    List<FrameSize> clips,
    int clipFrames,
    int batch,
    int warmup,
    int repeats,
    int rounds,
    int threads,
    Path python,
    Path plot,
    Path json,
    Path trace) {

  public static final List<FrameSize> DEFAULT_SIZES =
      List.of(
          new FrameSize(256, 256),
          new FrameSize(512, 512),
          new FrameSize(640, 480),
          new FrameSize(1280, 720),
          new FrameSize(1920, 1080));
  public static final List<FrameSize> DEFAULT_CLIPS =
      List.of(new FrameSize(640, 480), new FrameSize(1280, 720));

  public BenchConfig {
    networks = List.copyOf(networks);
    sizes = List.copyOf(sizes);
    clips = List.copyOf(clips);
    List<String> problems = new ArrayList<>();
    if (upsampling == null) {
      problems.add("upsampling must be one of " + Upsampling.ids());
    }
    if (networks.isEmpty()) {
      problems.add("at least one network is needed");
    }
    if (sizes.isEmpty() && clips.isEmpty()) {
      problems.add("at least one size or clip is needed");
    }
    if (clipFrames < 1) {
      problems.add("clip frames must be positive, got " + clipFrames);
    }
    if (batch < 1 || batch > 64) {
      problems.add("batch must be between 1 and 64, got " + batch);
    }
    if (warmup < 0) {
      problems.add("warmup must not be negative, got " + warmup);
    }
    if (repeats < 1) {
      problems.add("repeats must be positive, got " + repeats);
    }
    if (rounds < 1 || rounds > 20) {
      problems.add("rounds must be between 1 and 20, got " + rounds);
    }
    if (threads < 1 || threads > 1024) {
      problems.add("threads must be between 1 and 1024, got " + threads);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid bench settings: " + String.join("; ", problems));
    }
  }

  /** Timed passes per row in each round (at least one). */
  public int repeatsPerRound() {
    return Math.ceilDiv(repeats, rounds);
  }
}
