package dev.restyle.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch eager baseline: the same networks, same weights, run by {@code torch_baseline.py} (a
 * resource beside this class) in a Python that has torch and numpy (Debian's python3-torch).
 * restyle itself never needs Python; without it the bench leaves the baseline out with a note.
 */
final class TorchBaseline {
  private static final Logger LOG = LoggerFactory.getLogger(TorchBaseline.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCRIPT = "torch_baseline.py";

  /** libtorch's switch for transparent huge pages, which {@code ./restyle} turns on. */
  static final String HUGE_PAGES = "THP_MEM_ALLOC_ENABLE";

  /** One network to run: its name in the table and its network file. */
  record Network(String name, Path file) {}

  /** restyle's unclamped output for one network on the check image. */
  record CheckOutput(String network, Path floats) {}

  /**
   * The check image (packed RGB bytes) and each network's output on it.
   *
   * @param width image width
   * @param height image height
   * @param input packed RGB bytes
   * @param outputs restyle's float32 (3, H, W) outputs
   */
  record Check(int width, int height, Path input, List<CheckOutput> outputs) {}

  /** One timed row. */
  record Row(
      String network,
      FrameSize size,
      int batch,
      double medianMillis,
      double cpuMillis,
      long peakRssBytes) {}

  /**
   * What the baseline measured.
   *
   * @param torchVersion torch.__version__
   * @param threads torch's intra-op threads
   * @param maxAbsDiff per network: largest difference from restyle's output, in [0, 255] units
   * @param rows timings
   */
  record Result(String torchVersion, int threads, Map<String, Double> maxAbsDiff, List<Row> rows) {}

  private final Path python;

  TorchBaseline(Path python) {
    this.python = python;
  }

  /** Why the baseline cannot run here, or empty if it can. */
  Optional<String> unavailable() {
    if (!Files.isExecutable(python)) {
      return Optional.of(python + " does not exist");
    }
    try {
      Process p =
          new ProcessBuilder(python.toString(), "-c", "import torch, numpy")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of(python + " took over a minute to import torch");
      }
      if (p.exitValue() != 0) {
        String last = out.strip().lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
        return Optional.of(
            python
                + " lacks torch or numpy ("
                + last
                + "); apt-get install python3-torch python3-numpy");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(python + " could not be started: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /** Runs the baseline and parses its report. */
  Result run(
      Path workDir,
      List<Network> networks,
      List<FrameSize> sizes,
      Check check,
      int threads,
      int batch,
      int warmup,
      int repeats)
      throws IOException, InterruptedException {
    Path script = workDir.resolve(SCRIPT);
    try (InputStream in = TorchBaseline.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException(SCRIPT + " is missing from the restyle jar");
      }
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    ObjectNode job = JSON.createObjectNode();
    job.put("threads", threads).put("batch", batch).put("warmup", warmup).put("repeats", repeats);
    ArrayNode nets = job.putArray("networks");
    networks.forEach(n -> nets.addObject().put("name", n.name()).put("path", n.file().toString()));
    ArrayNode sizeArray = job.putArray("sizes");
    sizes.forEach(s -> sizeArray.addArray().add(s.width()).add(s.height()));
    ObjectNode checkNode = job.putObject("check");
    checkNode
        .put("width", check.width())
        .put("height", check.height())
        .put("input", check.input().toString());
    ObjectNode outputs = checkNode.putObject("outputs");
    check.outputs().forEach(o -> outputs.put(o.network(), o.floats().toString()));

    Path stderr = workDir.resolve("torch_baseline.stderr");
    ProcessBuilder builder =
        new ProcessBuilder(python.toString(), script.toString()).redirectError(stderr.toFile());
    // PyTorch as it comes: not restyle's allocator setting (see the restyle launcher).
    builder.environment().remove(HUGE_PAGES);
    Process p = builder.start();
    try (OutputStream stdin = p.getOutputStream()) {
      JSON.writeValue(stdin, job);
    }
    byte[] stdout = p.getInputStream().readAllBytes();
    int exit = p.waitFor();
    if (exit != 0) {
      throw new IOException(
          "the PyTorch baseline failed (exit "
              + exit
              + "): "
              + Files.readString(stderr).strip().lines().reduce((a, b) -> b).orElse(""));
    }
    return parse(JSON.readTree(stdout));
  }

  static Result parse(JsonNode report) throws IOException {
    if (report == null || !report.has("rows")) {
      throw new IOException("the PyTorch baseline printed no report");
    }
    Map<String, Double> diffs = new LinkedHashMap<>();
    for (JsonNode c : report.path("checks")) {
      diffs.put(c.path("network").asText(), c.path("max_abs_diff").asDouble());
    }
    List<Row> rows = new ArrayList<>();
    for (JsonNode r : report.path("rows")) {
      rows.add(
          new Row(
              r.path("network").asText(),
              new FrameSize(r.path("width").asInt(), r.path("height").asInt()),
              r.path("batch").asInt(),
              r.path("median_ms").asDouble(),
              r.path("cpu_ms").asDouble(Double.NaN),
              r.path("peak_rss_bytes").asLong(-1)));
    }
    LOG.debug("PyTorch baseline: torch {}, {} rows", report.path("torch").asText(), rows.size());
    return new Result(report.path("torch").asText(), report.path("threads").asInt(), diffs, rows);
  }
}
