package dev.restyle.engine.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.network.TensorFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KerasModelFileTest {
  private static final Map<String, String> NOTES =
      Map.of("source", "fixture, seed 900", "license", "none: test data");

  @TempDir Path dir;

  @Test
  void writeThenReadGivesTheSameModel() throws IOException {
    KerasModel model = KerasGraphTest.inception(900, 7).model();
    Path file = dir.resolve("model.safetensors");
    KerasModelFile.write(file, model, NOTES);
    KerasModelFile.Contents contents = KerasModelFile.read(file);

    assertEquals(NOTES, contents.notes());
    KerasModel read = contents.model();
    assertEquals(model.layers().size(), read.layers().size());
    for (int i = 0; i < model.layers().size(); i++) {
      KerasLayer expected = model.layers().get(i);
      KerasLayer actual = read.layers().get(i);
      assertEquals(expected.name(), actual.name());
      assertEquals(expected.className(), actual.className(), expected.name());
      assertEquals(expected.inputs(), actual.inputs(), expected.name());
      assertEquals(expected.config(), actual.config(), expected.name());
    }
    TfjsModelReaderTest.assertWeightsEqual(model.weights(), read.weights());
  }

  @Test
  void theSameModelGivesTheSameBytes() throws IOException {
    KerasModel model = KerasGraphTest.inception(901, 7).model();
    KerasModelFile.write(dir.resolve("a"), model, NOTES);
    KerasModelFile.write(dir.resolve("b"), KerasModelFile.read(dir.resolve("a")).model(), NOTES);
    assertArrayEquals(Files.readAllBytes(dir.resolve("a")), Files.readAllBytes(dir.resolve("b")));
  }

  @Test
  void anAlteredWeightByteIsRefused() throws IOException {
    Path file = dir.resolve("model.safetensors");
    KerasModelFile.write(file, KerasGraphTest.inception(902, 7).model(), NOTES);
    byte[] bytes = Files.readAllBytes(file);
    int dataStart = 8 + (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    for (int at : new int[] {dataStart, (dataStart + bytes.length) / 2, bytes.length - 1}) {
      byte[] altered = bytes.clone();
      altered[at] ^= 0x10;
      Files.write(file, altered);
      CorruptFileException e =
          assertThrows(CorruptFileException.class, () -> KerasModelFile.read(file), "byte " + at);
      assertTrue(e.getMessage().contains("hash"), e.getMessage());
    }
  }

  @Test
  void anAlteredTopologyIsRefused() throws IOException {
    Path file = dir.resolve("model.safetensors");
    KerasModelFile.write(file, KerasGraphTest.inception(903, 7).model(), NOTES);
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    // same length, so only the hash can tell: a 'same' padding becomes 'vame'
    int at = text.indexOf("\\\"padding\\\":\\\"same\\\"");
    assertTrue(at > 0, "the topology is in the metadata");
    byte[] altered = text.getBytes(StandardCharsets.ISO_8859_1);
    altered[text.indexOf("same", at)] = 'v';
    Files.write(file, altered);
    CorruptFileException e =
        assertThrows(CorruptFileException.class, () -> KerasModelFile.read(file));
    assertTrue(e.getMessage().contains("hash"), e.getMessage());
  }

  @Test
  void aTensorFileWithoutATopologyIsRefused() throws IOException {
    Path file = dir.resolve("plain.safetensors");
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("x", new Tensor(new long[] {2}, new float[] {1, 2}));
    TensorFile.write(file, tensors, Map.of());
    CorruptFileException e =
        assertThrows(CorruptFileException.class, () -> KerasModelFile.read(file));
    assertTrue(e.getMessage().contains("not a Keras model file"), e.getMessage());

    TensorFile.write(file, tensors, Map.of("format", KerasModelFile.FORMAT));
    e = assertThrows(CorruptFileException.class, () -> KerasModelFile.read(file));
    assertTrue(e.getMessage().contains("keras_layers"), e.getMessage());

    TensorFile.write(
        file, tensors, Map.of("format", KerasModelFile.FORMAT, "keras_layers", "[{\"name\":"));
    e = assertThrows(CorruptFileException.class, () -> KerasModelFile.read(file));
    assertTrue(e.getMessage().contains("unreadable Keras topology"), e.getMessage());
  }
}
