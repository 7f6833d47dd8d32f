package dev.restyle.cli;

import dev.restyle.cli.bench.BenchConfig;
import dev.restyle.cli.bench.BenchReport;
import dev.restyle.cli.bench.BenchRunner;
import dev.restyle.cli.bench.FrameSize;
import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.engine.network.Upsampling;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code restyle bench}: how fast each network stylises, against PyTorch eager. */
@Command(
    name = "bench",
    description = {
      "Measure the style networks: ms and frames/s per frame size, peak memory, the share of the"
          + " CPU's measured peak, end-to-end fps through the video pipeline, and the same"
          + " networks with the same weights in PyTorch eager (Python, when its torch is"
          + " installed) for comparison. Prints one table.",
    })
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--networks",
      split = ",",
      description = "networks to measure (default: all of ${COMPLETION-CANDIDATES})",
      completionCandidates = Presets.class)
  List<String> networks;

  @Option(
      names = "--upsampling",
      defaultValue = "nearest",
      description =
          "the networks' upsampling stages: nearest (the presets') or bilinear (default"
              + " ${DEFAULT-VALUE})")
  String upsampling;

  @Option(
      names = "--sizes",
      split = ",",
      description = "frame sizes, WxH (default 256x256,512x512,640x480,1280x720,1920x1080)")
  List<String> sizes;

  @Option(
      names = "--clips",
      split = ",",
      description =
          "sizes of the clips run end to end through the video pipeline, WxH, or none"
              + " (default 640x480,1280x720)")
  List<String> clips;

  @Option(
      names = "--clip-frames",
      defaultValue = "75",
      description = "frames per clip (default ${DEFAULT-VALUE})")
  int clipFrames;

  @Option(
      names = "--repeats",
      defaultValue = "5",
      description =
          "timed passes per row, split over the rounds, median reported (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description =
          "alternating rounds of restyle's timings and the baseline's, so that a machine that"
              + " slows down part-way slows both alike; the median of the round medians is"
              + " reported (default ${DEFAULT-VALUE}; 1 with --quick or without a baseline)")
  int rounds;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "untimed passes first (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--batch",
      defaultValue = "1",
      description = "frames per network pass (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--threads",
      description = "libtorch threads, also for the baseline (default: the number of cores)")
  Integer threads;

  @Option(
      names = "--python",
      defaultValue = "/usr/bin/python3",
      description = "Python with torch and numpy for the baseline (default ${DEFAULT-VALUE})")
  Path python;

  @Option(names = "--no-baseline", description = "leave out the PyTorch eager baseline")
  boolean noBaseline;

  @Option(
      names = "--quick",
      description =
          "a run of well under a minute: 256x256 and 640x480, the full and the fastest network,"
              + " 3 repeats, one 640x480 clip of 30 frames (explicit options still win)")
  boolean quick;

  @Option(names = "--plot", description = "also draw the results as a PNG")
  Path plot;

  @Option(names = "--json", description = "also write the results as JSON")
  Path json;

  @Option(
      names = "--trace",
      paramLabel = "DIR",
      description =
          "also profile each network and size operation by operation: Chrome traces into DIR"
              + " (Perfetto, chrome://tracing) and the largest operations printed")
  Path trace;

  @Override
  public Integer call() throws Exception {
    BenchConfig config = config();
    BenchReport report =
        new BenchRunner(config, line -> System.err.println("bench: " + line)).run();
    System.out.print(report.render());
    if (plot != null) {
      dev.restyle.cli.bench.BenchPlots.write(report, plot);
      System.out.println("plot: " + plot);
    }
    if (json != null) {
      report.writeJson(json);
      System.out.println("json: " + json);
    }
    return 0;
  }

  BenchConfig config() {
    List<NetworkPreset> nets =
        networks != null
            ? networks.stream().map(NetworkPreset::of).toList()
            : quick
                ? List.of(NetworkPreset.FULL, NetworkPreset.FASTER)
                : List.of(NetworkPreset.values());
    List<FrameSize> frameSizes =
        sizes != null
            ? sizes.stream().map(FrameSize::parse).toList()
            : quick
                ? List.of(new FrameSize(256, 256), new FrameSize(640, 480))
                : BenchConfig.DEFAULT_SIZES;
    List<FrameSize> clipSizes =
        clips != null
            ? (clips.size() == 1 && clips.getFirst().equals("none")
                ? List.of()
                : clips.stream().map(FrameSize::parse).toList())
            : quick ? List.of(new FrameSize(640, 480)) : BenchConfig.DEFAULT_CLIPS;
    boolean explicitRepeats = repeats != 5;
    return new BenchConfig(
        nets,
        Upsampling.of(upsampling),
        frameSizes,
        clipSizes,
        quick && clipFrames == 75 ? 30 : clipFrames,
        batch,
        quick && warmup == 2 ? 1 : warmup,
        quick && !explicitRepeats ? 3 : repeats,
        quick && rounds == 3 ? 1 : rounds,
        threads != null ? threads : java.lang.Runtime.getRuntime().availableProcessors(),
        noBaseline ? null : python,
        plot,
        json,
        trace);
  }

  /** The preset names, for the help text. */
  static final class Presets implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return NetworkPreset.ids().iterator();
    }
  }
}
