package dev.restyle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restyle.ingest.temporal.ClipWarpError;
import dev.restyle.ingest.temporal.EvaluationFlow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code restyle evaluate --temporal INPUT CLIP...}: the warping error of each clip against the
 * input it was made from ({@link ClipWarpError}), printed as a table, optionally as JSON.
 */
final class TemporalEvaluation {
  private TemporalEvaluation() {}

  static int run(Path input, List<Path> clips, String flowName, int maxFrames, Path json)
      throws Exception {
    if (maxFrames < 0) {
      throw new IllegalArgumentException("--max-frames must not be negative, got " + maxFrames);
    }
    EvaluationFlow flow = EvaluationFlow.parse(flowName);
    for (Path p : clips) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("no such clip: " + p);
      }
    }
    if (!Files.isRegularFile(input)) {
      throw new IllegalArgumentException("no such input clip: " + input);
    }
    long start = System.nanoTime();
    ClipWarpError.Result r = ClipWarpError.measure(input, clips, flow, maxFrames);
    System.out.printf(
        "warping error E_warp (Lai et al. 2018), %d frame pairs, %s flow on %s, %.0f%% of pixels"
            + " compared (%.1f s)%n",
        r.pairs(), flow.label(), input, 100 * r.visibleShare(), (System.nanoTime() - start) / 1e9);
    int width = "input (floor)".length();
    for (Path p : clips) {
      width = Math.max(width, p.toString().length());
    }
    System.out.printf("  %-" + width + "s  %10s  %8s%n", "clip", "E_warp", "vs input");
    System.out.printf(
        "  %-" + width + "s  %10.5f  %8s%n", "input (floor)", r.inputError(), "1.00x");
    for (int i = 0; i < clips.size(); i++) {
      System.out.printf(
          "  %-" + width + "s  %10.5f  %7.2fx%n",
          clips.get(i),
          r.errors().get(i),
          r.errors().get(i) / r.inputError());
    }
    if (json != null) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("input", input.toString());
      root.put("flow", flow.label());
      root.put("pairs", r.pairs());
      root.put("visibleShare", r.visibleShare());
      root.put("inputError", r.inputError());
      ArrayNode out = root.putArray("clips");
      for (int i = 0; i < clips.size(); i++) {
        out.addObject().put("clip", clips.get(i).toString()).put("warpError", r.errors().get(i));
      }
      mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    }
    return ExitCodes.OK;
  }
}
