package dev.restyle.cli.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.stylize.StyleOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a network pass spends its time, operation by operation: passes run under libtorch's
 * profiler, which writes a Chrome trace (open it in Perfetto or {@code chrome://tracing}), summed
 * here into each operation's self time (its own, without the operations it called).
 */
final class OpProfile {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One operation's share of the profiled passes. */
  record Op(String name, double millisPerPass, int callsPerPass, double share) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s %.0f%% (%.2f ms, %d calls)",
          name.replace("aten::", ""),
          100 * share,
          millisPerPass,
          callsPerPass);
    }
  }

  private OpProfile() {}

  /**
   * Profiles {@code passes} passes of one frame size into {@code trace} and returns the operations
   * by self time, largest first.
   */
  static List<Op> record(BatchStylizer stylizer, FrameSize size, int batch, int passes, Path trace)
      throws IOException {
    List<byte[]> frames = NetworkTimer.randomFrames(size, batch, 7);
    Files.createDirectories(trace.toAbsolutePath().getParent());
    JniUtils.startProfile(false, true, false);
    try {
      for (int i = 0; i < passes; i++) {
        stylizer.stylize(frames, size.width(), size.height(), StyleOptions.DEFAULT);
      }
    } finally {
      JniUtils.stopProfile(trace.toString());
    }
    return summarise(JSON.readTree(trace.toFile()), passes);
  }

  /** Self time per operation name from a Chrome trace's complete ("X") events. */
  static List<Op> summarise(JsonNode trace, int passes) {
    JsonNode events = trace.has("traceEvents") ? trace.get("traceEvents") : trace;
    Map<Long, List<JsonNode>> byThread = new HashMap<>();
    for (JsonNode e : events) {
      if ("X".equals(e.path("ph").asText())) {
        byThread.computeIfAbsent(e.path("tid").asLong(), t -> new ArrayList<>()).add(e);
      }
    }
    Map<String, double[]> self = new HashMap<>(); // name -> {micros, calls}
    for (List<JsonNode> thread : byThread.values()) {
      thread.sort(
          Comparator.<JsonNode>comparingDouble(e -> e.path("ts").asDouble())
              .thenComparing(e -> -e.path("dur").asDouble()));
      Deque<JsonNode> open = new ArrayDeque<>();
      for (JsonNode e : thread) {
        double start = e.path("ts").asDouble();
        double duration = e.path("dur").asDouble();
        while (!open.isEmpty() && end(open.peek()) <= start) {
          open.pop();
        }
        if (!open.isEmpty()) {
          self.get(open.peek().path("name").asText())[0] -= duration;
        }
        double[] op = self.computeIfAbsent(e.path("name").asText(), n -> new double[2]);
        op[0] += duration;
        op[1]++;
        open.push(e);
      }
    }
    double total = self.values().stream().mapToDouble(v -> v[0]).sum();
    return self.entrySet().stream()
        .map(
            e ->
                new Op(
                    e.getKey(),
                    e.getValue()[0] / 1000 / passes,
                    (int) Math.round(e.getValue()[1] / passes),
                    total > 0 ? e.getValue()[0] / total : 0))
        .sorted(Comparator.comparingDouble(Op::share).reversed())
        .toList();
  }

  private static double end(JsonNode e) {
    return e.path("ts").asDouble() + e.path("dur").asDouble();
  }
}
