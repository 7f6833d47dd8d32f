package dev.restyle.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonWithoutTheFastKnobsReadsAsJohnsonsLayout() throws Exception {
    Architecture a = JSON.readValue("{\"width\":0.5,\"residualBlocks\":5}", Architecture.class);
    assertEquals(new Architecture(0.5, 5, 1, 9, false), a);
    assertTrue(a.plainJohnson());
  }

  @Test
  void fastKnobsRoundTripThroughJson() throws Exception {
    Architecture a = NetworkPreset.FASTER.architecture();
    String json = JSON.writeValueAsString(a);
    assertEquals(a, JSON.readValue(json, Architecture.class));
    assertTrue(json.contains("\"downscale\":2"), json);
    assertTrue(json.contains("\"separable\":true"), json);
  }

  @Test
  void upsamplingRoundTripsThroughJsonAndIsNearestWhenAbsent() throws Exception {
    Architecture a = NetworkPreset.FASTER.architecture().withUpsampling(Upsampling.BILINEAR);
    String json = JSON.writeValueAsString(a);
    assertTrue(json.contains("\"upsampling\":\"bilinear\""), json);
    assertEquals(a, JSON.readValue(json, Architecture.class));
    assertEquals(
        Upsampling.NEAREST,
        JSON.readValue("{\"width\":0.5,\"residualBlocks\":5}", Architecture.class).upsampling());
    assertThrows(
        Exception.class,
        () ->
            JSON.readValue(
                "{\"width\":1.0,\"residualBlocks\":5,\"upsampling\":\"bicubic\"}",
                Architecture.class));
  }

  @Test
  void refusesUnknownKnobValues() {
    assertThrows(IllegalArgumentException.class, () -> new Architecture(1.0, 5, 3, 9, false));
    assertThrows(IllegalArgumentException.class, () -> new Architecture(1.0, 5, 1, 7, false));
    assertThrows(
        Exception.class,
        () ->
            JSON.readValue(
                "{\"width\":1.0,\"residualBlocks\":5,\"downscale\":8}", Architecture.class));
  }

  @Test
  void johnsonNetworkCosts10GigaMacsAt256() {
    // 153,792 multiply-accumulates per pixel (worked out from the layer table by hand).
    assertEquals(153_792L * 256 * 256, Architecture.JOHNSON.multiplyAccumulates(256, 256));
  }

  @Test
  void downscaleDividesTheCostByItsSquare() {
    Architecture full = new Architecture(0.5, 3, 1, 5, false);
    Architecture half = new Architecture(0.5, 3, 2, 5, false);
    assertEquals(full.multiplyAccumulates(240, 320), half.multiplyAccumulates(480, 640));
    assertEquals(full.multiplyAccumulates(480, 640), 4 * half.multiplyAccumulates(480, 640));
    assertEquals(8, half.sideMultiple());
    assertEquals(32, half.minimumSide());
  }

  @Test
  void separableBlocksHaveDepthwiseAndPointwiseWeights() {
    Architecture a = new Architecture(0.25, 1, 1, 9, true);
    ParameterSpec depthwise = find(a, "res1.conv1.depthwise.weight");
    ParameterSpec pointwise = find(a, "res1.conv1.weight");
    assertEquals("[32, 1, 3, 3]", Arrays.toString(depthwise.shape()));
    assertEquals("[32, 32, 1, 1]", Arrays.toString(pointwise.shape()));
    // per residual conv at a quarter of the pixels: 32 x 9 depthwise + 32 x 32 pointwise
    long plain = new Architecture(0.25, 1).multiplyAccumulates(64, 64);
    long separable = a.multiplyAccumulates(64, 64);
    assertEquals(2 * (32 * 32 * 9 - (32 * 9 + 32 * 32)) * 16 * 16, plain - separable);
  }

  @Test
  void edgeKernelSetsTheFirstAndLastConvolution() {
    Architecture a = new Architecture(0.25, 1, 1, 5, false);
    assertEquals("[8, 3, 5, 5]", Arrays.toString(find(a, "conv1.weight").shape()));
    assertEquals("[3, 8, 5, 5]", Arrays.toString(find(a, "out.weight").shape()));
  }

  @Test
  void presetsAreFoundByName() {
    assertEquals(NetworkPreset.FULL, NetworkPreset.of("Full"));
    assertEquals(Architecture.JOHNSON, NetworkPreset.FULL.architecture());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NetworkPreset.of("turbo"));
    assertTrue(e.getMessage().contains("faster"), e.getMessage());
  }

  private static ParameterSpec find(Architecture a, String name) {
    return a.parameters().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
