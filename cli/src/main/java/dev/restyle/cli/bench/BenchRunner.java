package dev.restyle.cli.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.NetworkFile;
import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Upsampling;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.ingest.pipeline.PipelineResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.DoubleStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a whole benchmark: the CPU's peak, every network at every size, the clips end to end, and
 * the PyTorch eager baseline on the same weights.
 */
public final class BenchRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BenchRunner.class);

  /** The networks' weights: random from this seed (the cost does not depend on the values). */
  private static final long SEED = 2016;

  /** The image on which restyle and the baseline must agree (sides fit every preset). */
  static final FrameSize CHECK_SIZE = new FrameSize(128, 96);

  private final BenchConfig config;
  private final Consumer<String> progress;

  /**
   * @param progress receives one line per step (what is being measured)
   */
  public BenchRunner(BenchConfig config, Consumer<String> progress) {
    this.config = config;
    this.progress = progress;
  }

  public BenchReport run() throws Exception {
    double loadBefore = ProcessMemory.loadAverage();
    Engine.getInstance();
    JniUtils.setNumThreads(config.threads());
    int threads = JniUtils.getNumThreads();
    progress.accept("CPU peak: " + CpuPeak.SIZE + "x" + CpuPeak.SIZE + " matrix products");
    double peak = CpuPeak.gflops();

    Path work = Files.createTempDirectory("restyle-bench-");
    List<Measured> measured = new ArrayList<>();
    try {
      List<TorchBaseline.Network> files = new ArrayList<>();
      List<TorchBaseline.CheckOutput> checks = new ArrayList<>();
      byte[] checkImage = NetworkTimer.randomFrames(CHECK_SIZE, 1, 11).getFirst();
      Path checkInput = work.resolve("check.u8");
      Files.write(checkInput, checkImage);
      for (NetworkPreset preset : config.networks()) {
        Architecture arch = preset.architecture().withUpsampling(config.upsampling());
        StyleNetwork network = StyleNetwork.initialise(arch, Device.cpu(), SEED);
        measured.add(new Measured(preset, network));
        Path file = work.resolve(name(preset) + NetworkFile.EXTENSION);
        new NetworkFile(arch, "bench " + name(preset), "{}", network.weights()).save(file);
        files.add(new TorchBaseline.Network(name(preset), file));
        Path floats = work.resolve(name(preset) + ".f32");
        Files.write(floats, checkOutput(network, checkImage));
        checks.add(new TorchBaseline.CheckOutput(name(preset), floats));
      }
      TorchBaseline baseline = null;
      String baselineNote = null;
      if (config.python() == null) {
        baselineNote = "left out (--no-baseline)";
      } else if (config.sizes().isEmpty()) {
        baselineNote = "left out: no sizes to time";
      } else {
        TorchBaseline candidate = new TorchBaseline(config.python());
        Optional<String> why = candidate.unavailable();
        if (why.isPresent()) {
          baselineNote = "left out: " + why.get();
        } else {
          baseline = candidate;
        }
      }
      // Without a baseline there is nothing to alternate with: one round of every pass.
      int rounds = baseline == null ? 1 : config.rounds();
      int repeats = baseline == null ? config.repeats() : config.repeatsPerRound();
      Map<RowKey, List<NetworkTimer.Timing>> timings = new LinkedHashMap<>();
      Map<RowKey, List<TorchBaseline.Row>> torchTimings = new LinkedHashMap<>();
      Map<String, Double> diffs = Map.of();
      TorchBaseline.Result torch = null;
      for (int round = 1; round <= rounds; round++) {
        String of = rounds > 1 ? " (round " + round + " of " + rounds + ")" : "";
        for (Measured m : measured) {
          for (FrameSize size : config.sizes()) {
            progress.accept(name(m.preset()) + " at " + size + of);
            timings
                .computeIfAbsent(new RowKey(name(m.preset()), size), k -> new ArrayList<>())
                .add(
                    NetworkTimer.time(
                        m.stylizer(), size, config.batch(), config.warmup(), repeats));
          }
        }
        if (baseline != null) {
          progress.accept("PyTorch eager baseline (" + config.python() + ")" + of);
          torch =
              baseline.run(
                  work,
                  files,
                  config.sizes(),
                  new TorchBaseline.Check(
                      CHECK_SIZE.width(), CHECK_SIZE.height(), checkInput, checks),
                  config.threads(),
                  config.batch(),
                  config.warmup(),
                  repeats);
          for (TorchBaseline.Row r : torch.rows()) {
            torchTimings
                .computeIfAbsent(new RowKey(r.network(), r.size()), k -> new ArrayList<>())
                .add(r);
          }
        }
      }
      if (torch != null) {
        diffs = torch.maxAbsDiff();
        baselineNote = describe(torch, rounds, repeats);
      }
      List<BenchReport.Row> rows = new ArrayList<>();
      for (Measured m : measured) {
        rows.addAll(rows(m, timings, torchTimings, work));
      }
      return new BenchReport(
          peak, threads, loadBefore, ProcessMemory.loadAverage(), rows, baselineNote, diffs);
    } finally {
      measured.forEach(m -> m.network().close());
      deleteTree(work);
    }
  }

  /** The baseline line of the table: what PyTorch ran, and how the two sides took turns. */
  private String describe(TorchBaseline.Result torch, int rounds, int repeats) {
    return "PyTorch "
        + torch.torchVersion()
        + " eager, torch.no_grad(), "
        + torch.threads()
        + " threads, same weights, its default allocator ("
        + config.python()
        + "); restyle with "
        + TorchBaseline.HUGE_PAGES
        + "="
        + Objects.requireNonNullElse(System.getenv(TorchBaseline.HUGE_PAGES), "(unset)")
        + (rounds > 1
            ? "; "
                + rounds
                + " alternating rounds (restyle, then PyTorch) of "
                + repeats
                + " timed passes a row, medians of the round medians"
            : "");
  }

  /** One network under measurement, and the stylizer that times it. */
  private record Measured(NetworkPreset preset, StyleNetwork network, BatchStylizer stylizer) {
    Measured(NetworkPreset preset, StyleNetwork network) {
      this(preset, network, new BatchStylizer(new Stylizer(network)));
    }
  }

  /** A row of the table: a network (by its name there) at a frame size. */
  private record RowKey(String network, FrameSize size) {}

  /** The preset's name, with the upsampling when it is not the preset's own. */
  private String name(NetworkPreset preset) {
    return config.upsampling() == Upsampling.NEAREST
        ? preset.id()
        : preset.id() + "-" + config.upsampling().id();
  }

  /**
   * The network's rows: its timings of every round and the baseline's, merged, then its traces and
   * its clips end to end (once each, after the rounds).
   */
  private List<BenchReport.Row> rows(
      Measured m,
      Map<RowKey, List<NetworkTimer.Timing>> timings,
      Map<RowKey, List<TorchBaseline.Row>> torchTimings,
      Path work)
      throws Exception {
    String name = name(m.preset());
    Map<FrameSize, BenchReport.Row> rows = new LinkedHashMap<>();
    for (FrameSize size : config.sizes()) {
      RowKey key = new RowKey(name, size);
      List<NetworkTimer.Timing> t = timings.get(key);
      List<TorchBaseline.Row> torch = torchTimings.getOrDefault(key, List.of());
      if (config.trace() != null) {
        Path file = config.trace().resolve(name + "-" + size + ".json");
        List<OpProfile.Op> ops =
            OpProfile.record(m.stylizer(), size, config.batch(), config.repeats(), file);
        progress.accept(
            "trace "
                + file
                + ": "
                + String.join(", ", ops.stream().limit(6).map(OpProfile.Op::toString).toList()));
      }
      rows.put(
          size,
          new BenchReport.Row(
              name,
              size,
              config.batch(),
              median(t.stream().mapToDouble(NetworkTimer.Timing::medianMillis)),
              median(t.stream().mapToDouble(NetworkTimer.Timing::cpuMillis)),
              t.stream().mapToLong(x -> x.peakRssBytes().orElse(-1)).max().orElse(-1),
              gflop(m.preset().architecture(), size),
              median(torch.stream().mapToDouble(TorchBaseline.Row::medianMillis)),
              median(torch.stream().mapToDouble(TorchBaseline.Row::cpuMillis)),
              Double.NaN));
    }
    for (FrameSize clipSize : config.clips()) {
      progress.accept(
          name + " end to end, " + clipSize + " clip of " + config.clipFrames() + " frames");
      Path clip = ClipRun.writeClip(work, clipSize, config.clipFrames());
      PipelineResult result =
          ClipRun.run(clip, work.resolve("out-" + name + ".mp4"), m.network(), config.batch());
      if (result.framesOut() != config.clipFrames()) {
        LOG.warn(
            "{} end to end at {}: {} of {} frames came out",
            name,
            clipSize,
            result.framesOut(),
            config.clipFrames());
      }
      BenchReport.Row row = rows.get(clipSize);
      rows.put(
          clipSize,
          row == null
              ? new BenchReport.Row(
                  name,
                  clipSize,
                  config.batch(),
                  Double.NaN,
                  Double.NaN,
                  -1,
                  gflop(m.preset().architecture(), clipSize),
                  Double.NaN,
                  Double.NaN,
                  result.framesPerSecond())
              : new BenchReport.Row(
                  row.network(),
                  row.size(),
                  row.batch(),
                  row.millis(),
                  row.cpuMillis(),
                  row.peakRssBytes(),
                  row.gflopPerFrame(),
                  row.torchMillis(),
                  row.torchCpuMillis(),
                  result.framesPerSecond()));
    }
    return new ArrayList<>(rows.values());
  }

  /** The median, or NaN when there are no values. */
  private static double median(DoubleStream values) {
    double[] v = values.toArray();
    return v.length == 0 ? Double.NaN : NetworkTimer.median(v);
  }

  private static double gflop(Architecture arch, FrameSize size) {
    return 2.0 * arch.multiplyAccumulates(size.height(), size.width()) / 1e9;
  }

  /** restyle's unclamped float output on the check image, (3, H, W) little-endian float32. */
  private static byte[] checkOutput(StyleNetwork network, byte[] image) {
    try (NDManager scope = NDManager.newBaseManager(network.device())) {
      NDArray x =
          BatchStylizer.toTensor(List.of(image), CHECK_SIZE.width(), CHECK_SIZE.height(), scope);
      float[] values = network.forward(x).toFloatArray();
      ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(values);
      return bytes.array();
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }
}
