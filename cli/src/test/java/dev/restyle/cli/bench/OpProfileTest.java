package dev.restyle.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpProfileTest {
  /**
   * Two passes of "forward" (10 ms each) holding a convolution (6 ms, of which 1 ms is a nested
   * copy) and a norm (1.5 ms), and an event on another thread that overlaps in time.
   */
  @Test
  void sumsSelfTimePerOperation() throws Exception {
    String trace =
        """
        {"traceEvents": [
          {"name": "forward", "ph": "X", "tid": 1, "ts": 0, "dur": 10000},
          {"name": "aten::conv2d", "ph": "X", "tid": 1, "ts": 1000, "dur": 6000},
          {"name": "aten::copy_", "ph": "X", "tid": 1, "ts": 2000, "dur": 1000},
          {"name": "aten::norm", "ph": "X", "tid": 1, "ts": 7000, "dur": 1500},
          {"name": "forward", "ph": "X", "tid": 1, "ts": 20000, "dur": 10000},
          {"name": "aten::conv2d", "ph": "X", "tid": 1, "ts": 21000, "dur": 6000},
          {"name": "aten::copy_", "ph": "X", "tid": 1, "ts": 22000, "dur": 1000},
          {"name": "aten::norm", "ph": "X", "tid": 1, "ts": 27000, "dur": 1500},
          {"name": "aten::copy_", "ph": "X", "tid": 2, "ts": 3000, "dur": 4000},
          {"name": "counter", "ph": "C", "tid": 1, "ts": 0}
        ]}
        """;
    List<OpProfile.Op> ops = OpProfile.summarise(new ObjectMapper().readTree(trace), 2);
    assertEquals(List.of("aten::conv2d", "aten::copy_", "forward", "aten::norm"), names(ops));
    OpProfile.Op conv = ops.get(0);
    assertEquals(5.0, conv.millisPerPass(), 1e-9);
    assertEquals(1, conv.callsPerPass());
    assertEquals(5.0 / 12, conv.share(), 1e-9); // of 12 ms a pass in all
    OpProfile.Op copy = ops.get(1);
    assertEquals(3.0, copy.millisPerPass(), 1e-9); // 1 + 1 nested on thread 1, 4 on thread 2
    assertEquals(2, copy.callsPerPass());
    assertEquals(2.5, ops.get(2).millisPerPass(), 1e-9); // 10 - 6 - 1.5
    assertEquals(1.0, ops.stream().mapToDouble(OpProfile.Op::share).sum(), 1e-9);
  }

  private static List<String> names(List<OpProfile.Op> ops) {
    return ops.stream().map(OpProfile.Op::name).toList();
  }
}
