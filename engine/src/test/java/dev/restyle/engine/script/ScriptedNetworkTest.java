package dev.restyle.engine.script;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.network.Architecture;
import dev.restyle.engine.network.NetworkPreset;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.network.Upsampling;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScriptedNetworkTest {

  /** Every preset with each way of upsampling. */
  static Stream<Arguments> presetsAndUpsampling() {
    return Arrays.stream(NetworkPreset.values())
        .flatMap(p -> Arrays.stream(Upsampling.values()).map(u -> Arguments.of(p, u)));
  }

  /** The compiled network against the op-by-op one: same bytes out, give or take a grey level. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("presetsAndUpsampling")
  void agreesWithTheOpByOpPassOnEveryPreset(NetworkPreset preset, Upsampling upsampling) {
    Architecture architecture = preset.architecture().withUpsampling(upsampling);
    try (StyleNetwork network = StyleNetwork.initialise(architecture, Device.cpu(), 3)) {
      BatchStylizer ops = new BatchStylizer(new Stylizer(network), BatchStylizer.Mode.OPS);
      BatchStylizer script = new BatchStylizer(new Stylizer(network), BatchStylizer.Mode.SCRIPT);
      assertEquals(BatchStylizer.Mode.SCRIPT, script.mode());
      // odd sizes (edges repeated to the network's multiple, then cropped), a batch of two,
      // full strength and a blend with the original
      for (int[] size : new int[][] {{64, 48}, {37, 29}, {19, 61}}) {
        List<byte[]> frames = List.of(frame(size[0], size[1], 1), frame(size[0], size[1], 2));
        for (float strength : new float[] {1f, 0.4f}) {
          StyleOptions options = new StyleOptions(strength, false);
          List<byte[]> expected = ops.stylize(frames, size[0], size[1], options);
          List<byte[]> actual = script.stylize(frames, size[0], size[1], options);
          assertEquals(expected.size(), actual.size());
          for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).length, actual.get(i).length);
            int worst = maxDifference(expected.get(i), actual.get(i));
            assertTrue(
                worst <= 1,
                preset
                    + " "
                    + upsampling
                    + " "
                    + size[0]
                    + "x"
                    + size[1]
                    + " strength "
                    + strength
                    + ": "
                    + worst);
          }
        }
      }
      // preserving colours is not compiled: it takes the op path and still works
      byte[] image = frame(40, 40, 5);
      StyleOptions colours = new StyleOptions(1f, true);
      assertArrayEquals(
          ops.stylize(List.of(image), 40, 40, colours).getFirst(),
          script.stylize(List.of(image), 40, 40, colours).getFirst());
    }
  }

  @Test
  void theWeightsMatter() {
    try (StyleNetwork a =
            StyleNetwork.initialise(NetworkPreset.FASTER.architecture(), Device.cpu(), 1);
        StyleNetwork b =
            StyleNetwork.initialise(NetworkPreset.FASTER.architecture(), Device.cpu(), 2)) {
      byte[] image = frame(32, 32, 9);
      byte[] fromA =
          new BatchStylizer(new Stylizer(a), BatchStylizer.Mode.SCRIPT)
              .stylize(List.of(image), 32, 32, StyleOptions.DEFAULT)
              .getFirst();
      byte[] fromB =
          new BatchStylizer(new Stylizer(b), BatchStylizer.Mode.SCRIPT)
              .stylize(List.of(image), 32, 32, StyleOptions.DEFAULT)
              .getFirst();
      assertNotEquals(0, maxDifference(fromA, fromB));
    }
  }

  @Test
  void refusesAnythingButUint8Frames() {
    try (StyleNetwork network =
            StyleNetwork.initialise(NetworkPreset.FASTER.architecture(), Device.cpu(), 1);
        NDManager manager = NDManager.newBaseManager()) {
      ScriptedNetwork scripted = ScriptedNetwork.compile(network);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> scripted.stylize(manager.zeros(new Shape(1, 8, 8, 3), DataType.FLOAT32), 1f));
      assertTrue(e.getMessage().contains("uint8"), e.getMessage());
    }
  }

  @Test
  void theModuleObjectIsTheProtocolTwoPickleTorchWrites() {
    // torch.jit.save of a module with no attributes but 'training' (torch 1.13 writes the same
    // bytes plus an '_is_full_backward_hook' entry)
    byte[] expected = {
      (byte) 0x80,
      2,
      'c',
      '_',
      '_',
      't',
      'o',
      'r',
      'c',
      'h',
      '_',
      '_',
      '\n',
      'N',
      '\n',
      ')',
      (byte) 0x81,
      '}',
      '(',
      'X',
      8,
      0,
      0,
      0,
      't',
      'r',
      'a',
      'i',
      'n',
      'i',
      'n',
      'g',
      (byte) 0x89,
      'u',
      'b',
      '.'
    };
    assertArrayEquals(expected, TorchScriptArchive.moduleObject("N"));
  }

  private static byte[] frame(int width, int height, long seed) {
    byte[] rgb = new byte[width * height * 3];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) random.nextInt(256);
    }
    return rgb;
  }

  private static int maxDifference(byte[] a, byte[] b) {
    int worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs((a[i] & 255) - (b[i] & 255)));
    }
    return worst;
  }
}
