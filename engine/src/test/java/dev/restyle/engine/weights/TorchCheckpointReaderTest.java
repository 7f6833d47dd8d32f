package dev.restyle.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.Tensor;
import dev.restyle.engine.weights.TorchFileWriter.Storage;
import dev.restyle.engine.weights.TorchFileWriter.View;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchCheckpointReaderTest {
  @TempDir Path dir;

  /** The first four VGG-16 convolutions plus a classifier stand-in: 10 tensors. */
  private static final Map<String, Tensor> STATE = SyntheticVgg16.stateDict(42, 4, true);

  private enum Layout {
    ZIP,
    LEGACY
  }

  private Path write(TorchFileWriter writer, Layout layout) throws IOException {
    Path path = dir.resolve(layout == Layout.ZIP ? "state.pt" : "state-legacy.pth");
    if (layout == Layout.ZIP) {
      writer.writeZip(path);
    } else {
      writer.writeLegacy(path);
    }
    return path;
  }

  @Test
  void zipRoundTrip() throws IOException {
    Map<String, Tensor> read =
        TorchCheckpointReader.read(write(TorchFileWriter.of(STATE), Layout.ZIP));
    assertEquals(STATE, read);
    assertEquals(List.copyOf(STATE.keySet()), List.copyOf(read.keySet()), "file order is kept");
  }

  @Test
  void legacyRoundTrip() throws IOException {
    Map<String, Tensor> read =
        TorchCheckpointReader.read(write(TorchFileWriter.of(STATE), Layout.LEGACY));
    assertEquals(STATE, read);
    assertEquals(List.copyOf(STATE.keySet()), List.copyOf(read.keySet()));
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 5})
  void newerPickleProtocols(int protocol) throws IOException {
    TorchFileWriter writer = TorchFileWriter.of(STATE).protocol(protocol);
    assertEquals(STATE, TorchCheckpointReader.read(write(writer, Layout.ZIP)));
  }

  @Test
  void python2LegacyFile() throws IOException {
    // torchvision's 2017 files were written by PyTorch 0.x, possibly from Python 2
    TorchFileWriter writer = TorchFileWriter.of(STATE).python2();
    assertEquals(STATE, TorchCheckpointReader.read(write(writer, Layout.LEGACY)));
  }

  @Test
  void onlyWantedTensorsAreRead() throws IOException {
    Set<String> wanted = Set.of("features.0.weight", "features.5.bias");
    for (Layout layout : Layout.values()) {
      Map<String, Tensor> read =
          TorchCheckpointReader.read(write(TorchFileWriter.of(STATE), layout), wanted::contains);
      assertEquals(wanted, read.keySet(), layout.name());
      assertEquals(STATE.get("features.5.bias"), read.get("features.5.bias"));
    }
  }

  /** One 3x4 storage viewed as itself, as its transpose, as a row and as a strided column. */
  private static TorchFileWriter sharedStorage() {
    float[] values = new float[12];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    return new TorchFileWriter()
        .storage("7", Storage.floats(values))
        .tensor("plain", new View("7", 0, new long[] {3, 4}, new long[] {4, 1}, null))
        .tensor("transposed", new View("7", 0, new long[] {4, 3}, new long[] {1, 4}, null))
        .tensor("row", new View("7", 4, new long[] {4}, new long[] {1}, null))
        .tensor("column", new View("7", 1, new long[] {3, 1}, new long[] {4, 1}, null))
        .tensor("broadcast", new View("7", 2, new long[] {2, 3}, new long[] {0, 1}, null))
        .tensor("scalar", new View("7", 11, new long[] {}, new long[] {}, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZIP", "LEGACY"})
  void stridedViewsAreGathered(String layout) throws IOException {
    Map<String, Tensor> read =
        TorchCheckpointReader.read(write(sharedStorage(), Layout.valueOf(layout)));
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, read.get("plain").data());
    assertArrayEquals(new long[] {4, 3}, read.get("transposed").shape());
    assertArrayEquals(
        new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, read.get("transposed").data());
    assertArrayEquals(new float[] {4, 5, 6, 7}, read.get("row").data());
    assertArrayEquals(new float[] {1, 5, 9}, read.get("column").data());
    assertArrayEquals(new float[] {2, 3, 4, 2, 3, 4}, read.get("broadcast").data());
    assertArrayEquals(new long[] {}, read.get("scalar").shape());
    assertArrayEquals(new float[] {11}, read.get("scalar").data());
    read.get("plain").data()[0] = 99;
    assertEquals(4, read.get("transposed").data()[1], "tensors sharing a storage do not alias");
  }

  @Test
  void legacyStorageViews() throws IOException {
    float[] values = new float[10];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.5f;
    }
    TorchFileWriter writer =
        new TorchFileWriter()
            .storage("1", Storage.floats(values))
            .tensor("whole", View.contiguous("1", new long[] {10}))
            .tensor(
                "view",
                new View("1", 1, new long[] {2, 2}, new long[] {2, 1}, new long[] {2, 3, 6}));
    Map<String, Tensor> read = TorchCheckpointReader.read(write(writer, Layout.LEGACY));
    // the view starts at element 3 of the storage; the tensor at element 1 of the view
    assertArrayEquals(new float[] {2, 2.5f, 3, 3.5f}, read.get("view").data());
    assertArrayEquals(values, read.get("whole").data());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZIP", "LEGACY"})
  void halfAndDoubleStoragesBecomeFloats(String layout) throws IOException {
    float[] values = {0.5f, -2f, 1024f, 0.099975586f};
    TorchFileWriter writer =
        new TorchFileWriter()
            .storage("0", Storage.halves(values))
            .storage("1", Storage.doubles(new double[] {1.25, -3}))
            .tensor("half", View.contiguous("0", new long[] {2, 2}))
            .tensor("double", View.contiguous("1", new long[] {2}));
    Map<String, Tensor> read = TorchCheckpointReader.read(write(writer, Layout.valueOf(layout)));
    assertArrayEquals(values, read.get("half").data());
    assertArrayEquals(new float[] {1.25f, -3f}, read.get("double").data());
  }

  private CorruptFileException refused(Path path) {
    return assertThrows(CorruptFileException.class, () -> TorchCheckpointReader.read(path));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZIP", "LEGACY"})
  void truncatedFilesAreRefused(String layout) throws IOException {
    Path path = write(TorchFileWriter.of(STATE), Layout.valueOf(layout));
    byte[] bytes = Files.readAllBytes(path);
    for (int length : new int[] {bytes.length - 100, bytes.length / 2, 300, 40, 3}) {
      Files.write(path, Arrays.copyOf(bytes, length));
      CorruptFileException e = refused(path);
      assertTrue(e.getMessage().startsWith(path.toString()), e.getMessage());
      assertTrue(
          e.getMessage().contains("truncated") || e.getMessage().contains("damaged zip"),
          e.getMessage());
    }
  }

  @Test
  void otherFilesAreRefused() throws IOException {
    Path path = dir.resolve("other.pth");
    Files.write(path, new byte[0]);
    assertTrue(refused(path).getMessage().contains("empty"));
    Files.writeString(path, "{\"not\": \"a checkpoint\"}");
    assertTrue(refused(path).getMessage().contains("not a PyTorch checkpoint"));
  }

  @Test
  void forbiddenGlobalIsRefused() throws IOException {
    // the classic exploit: os.system("...") run by REDUCE
    byte[] pickle =
        new PickleWriter(2)
            .global("os", "system")
            .string("echo pwned")
            .op(0x85)
            .reduce()
            .stop()
            .bytes();
    Path zip = dir.resolve("evil.pt");
    TorchFileWriter.writeZip(zip, pickle, Map.of());
    CorruptFileException e = refused(zip);
    assertTrue(
        e.getMessage().contains("refusing to load the Python global 'os.system'"), e.getMessage());

    Path legacy = dir.resolve("evil.pth");
    TorchFileWriter.writeLegacy(legacy, pickle, Map.of());
    assertTrue(refused(legacy).getMessage().contains("'os.system'"));
  }

  @Test
  void unknownOpcodeIsRefused() throws IOException {
    byte[] pickle = new PickleWriter(2).emptyDict().op('I').stop().bytes(); // INT: protocol 0
    Path path = dir.resolve("odd.pt");
    TorchFileWriter.writeZip(path, pickle, Map.of());
    assertTrue(refused(path).getMessage().contains("unsupported pickle opcode 0x49"));
  }

  @Test
  void integerTensorsAreRefusedClearly() throws IOException {
    TorchFileWriter writer =
        new TorchFileWriter()
            .storage("0", new Storage("LongStorage", 1, new byte[8]))
            .tensor("bn.num_batches_tracked", View.contiguous("0", new long[] {}));
    String message = refused(write(writer, Layout.ZIP)).getMessage();
    assertTrue(message.contains("torch.LongStorage"), message);
    assertTrue(message.contains("only floating-point tensors"), message);
  }

  @Test
  void nonTensorValuesAreRefused() throws IOException {
    byte[] pickle =
        new PickleWriter(2).emptyDict().string("epoch").integer(3).op('s').stop().bytes();
    Path path = dir.resolve("checkpoint.pt");
    TorchFileWriter.writeZip(path, pickle, Map.of());
    assertTrue(refused(path).getMessage().contains("entry 'epoch' is a Long"));
  }

  @Test
  void viewsBeyondTheirStorageAreRefused() throws IOException {
    TorchFileWriter writer =
        new TorchFileWriter()
            .storage("0", Storage.floats(new float[6]))
            .tensor("w", new View("0", 1, new long[] {2, 3}, new long[] {3, 1}, null));
    assertTrue(refused(write(writer, Layout.ZIP)).getMessage().contains("reaches beyond"));
  }

  @Test
  void wrongMagicNumberIsRefused() throws IOException {
    Path path = dir.resolve("magic.pth");
    Files.write(path, new PickleWriter(2).integer(12345).stop().bytes());
    assertTrue(refused(path).getMessage().contains("magic number"));
  }

  @Test
  void largeRandomStateDictRoundTripsInBothLayouts() throws IOException {
    SplittableRandom random = new SplittableRandom(3);
    TorchFileWriter writer = new TorchFileWriter();
    // more than 1000 entries: SETITEMS batches and LONG_BINPUT memo indices
    for (int i = 0; i < 1100; i++) {
      float[] values = SyntheticVgg16.uniform(random, 1 + i % 7, 1);
      writer.storage(Integer.toString(i), Storage.floats(values));
      writer.tensor("t" + i, View.contiguous(Integer.toString(i), new long[] {values.length}));
    }
    Map<String, Tensor> zip = TorchCheckpointReader.read(write(writer, Layout.ZIP));
    Map<String, Tensor> legacy = TorchCheckpointReader.read(write(writer, Layout.LEGACY));
    assertEquals(1100, zip.size());
    assertEquals(zip, legacy);
  }
}
