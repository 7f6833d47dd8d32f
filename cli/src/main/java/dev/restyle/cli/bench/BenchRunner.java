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
    try {
      List<BenchReport.Row> rows = new ArrayList<>();
      List<TorchBaseline.Network> files = new ArrayList<>();
      List<TorchBaseline.CheckOutput> checks = new ArrayList<>();
      byte[] checkImage = NetworkTimer.randomFrames(CHECK_SIZE, 1, 11).getFirst();
      Path checkInput = work.resolve("check.u8");
      Files.write(checkInput, checkImage);
      for (NetworkPreset preset : config.networks()) {
        Architecture arch = preset.architecture().withUpsampling(config.upsampling());
        try (StyleNetwork network = StyleNetwork.initialise(arch, Device.cpu(), SEED)) {
          Path file = work.resolve(name(preset) + NetworkFile.EXTENSION);
          new NetworkFile(arch, "bench " + name(preset), "{}", network.weights()).save(file);
          files.add(new TorchBaseline.Network(name(preset), file));
          Path floats = work.resolve(name(preset) + ".f32");
          Files.write(floats, checkOutput(network, checkImage));
          checks.add(new TorchBaseline.CheckOutput(name(preset), floats));
          rows.addAll(measure(preset, network, work));
        }
      }
      String baselineNote;
      Map<String, Double> diffs = Map.of();
      if (config.python() == null) {
        baselineNote = "left out (--no-baseline)";
      } else {
        TorchBaseline baseline = new TorchBaseline(config.python());
        Optional<String> why = baseline.unavailable();
        if (why.isPresent()) {
          baselineNote = "left out: " + why.get();
        } else if (config.sizes().isEmpty()) {
          baselineNote = "left out: no sizes to time";
        } else {
          progress.accept("PyTorch eager baseline (" + config.python() + ")");
          TorchBaseline.Result result =
              baseline.run(
                  work,
                  files,
                  config.sizes(),
                  new TorchBaseline.Check(
                      CHECK_SIZE.width(), CHECK_SIZE.height(), checkInput, checks),
                  config.threads(),
                  config.batch(),
                  config.warmup(),
                  config.repeats());
          baselineNote =
              "PyTorch "
                  + result.torchVersion()
                  + " eager, torch.no_grad(), "
                  + result.threads()
                  + " threads, same weights, its default allocator ("
                  + config.python()
                  + "); restyle with "
                  + TorchBaseline.HUGE_PAGES
                  + "="
                  + Objects.requireNonNullElse(System.getenv(TorchBaseline.HUGE_PAGES), "(unset)");
          diffs = result.maxAbsDiff();
          rows = withBaseline(rows, result);
        }
      }
      return new BenchReport(
          peak, threads, loadBefore, ProcessMemory.loadAverage(), rows, baselineNote, diffs);
    } finally {
      deleteTree(work);
    }
  }

  /** The preset's name, with the upsampling when it is not the preset's own. */
  private String name(NetworkPreset preset) {
    return config.upsampling() == Upsampling.NEAREST
        ? preset.id()
        : preset.id() + "-" + config.upsampling().id();
  }

  private List<BenchReport.Row> measure(NetworkPreset preset, StyleNetwork network, Path work)
      throws Exception {
    Map<FrameSize, BenchReport.Row> rows = new LinkedHashMap<>();
    BatchStylizer stylizer = new BatchStylizer(new Stylizer(network));
    for (FrameSize size : config.sizes()) {
      progress.accept(name(preset) + " at " + size);
      NetworkTimer.Timing t =
          NetworkTimer.time(stylizer, size, config.batch(), config.warmup(), config.repeats());
      if (config.trace() != null) {
        Path file = config.trace().resolve(name(preset) + "-" + size + ".json");
        List<OpProfile.Op> ops =
            OpProfile.record(stylizer, size, config.batch(), config.repeats(), file);
        progress.accept(
            "trace "
                + file
                + ": "
                + String.join(", ", ops.stream().limit(6).map(OpProfile.Op::toString).toList()));
      }
      rows.put(
          size,
          new BenchReport.Row(
              name(preset),
              size,
              config.batch(),
              t.medianMillis(),
              t.cpuMillis(),
              t.peakRssBytes().orElse(-1),
              gflop(preset.architecture(), size),
              Double.NaN,
              Double.NaN,
              Double.NaN));
    }
    for (FrameSize clipSize : config.clips()) {
      progress.accept(
          name(preset)
              + " end to end, "
              + clipSize
              + " clip of "
              + config.clipFrames()
              + " frames");
      Path clip = ClipRun.writeClip(work, clipSize, config.clipFrames());
      PipelineResult result =
          ClipRun.run(clip, work.resolve("out-" + name(preset) + ".mp4"), network, config.batch());
      if (result.framesOut() != config.clipFrames()) {
        LOG.warn(
            "{} end to end at {}: {} of {} frames came out",
            name(preset),
            clipSize,
            result.framesOut(),
            config.clipFrames());
      }
      BenchReport.Row row = rows.get(clipSize);
      rows.put(
          clipSize,
          row == null
              ? new BenchReport.Row(
                  name(preset),
                  clipSize,
                  config.batch(),
                  Double.NaN,
                  Double.NaN,
                  -1,
                  gflop(preset.architecture(), clipSize),
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

  private static double gflop(Architecture arch, FrameSize size) {
    return 2.0 * arch.multiplyAccumulates(size.height(), size.width()) / 1e9;
  }

  private static List<BenchReport.Row> withBaseline(
      List<BenchReport.Row> rows, TorchBaseline.Result result) {
    List<BenchReport.Row> out = new ArrayList<>();
    for (BenchReport.Row r : rows) {
      Optional<TorchBaseline.Row> torch = result.row(r.network(), r.size());
      out.add(
          new BenchReport.Row(
              r.network(),
              r.size(),
              r.batch(),
              r.millis(),
              r.cpuMillis(),
              r.peakRssBytes(),
              r.gflopPerFrame(),
              torch.map(TorchBaseline.Row::medianMillis).orElse(Double.NaN),
              torch.map(TorchBaseline.Row::cpuMillis).orElse(Double.NaN),
              r.endToEndFps()));
    }
    return out;
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
