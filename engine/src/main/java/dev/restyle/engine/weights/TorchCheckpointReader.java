package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.network.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads PyTorch state dicts ({@code torch.save(model.state_dict(), path)}) without Python, in both
 * of {@code torch.save}'s layouts: the zip archive of PyTorch 1.6 and later, and the legacy layout
 * of older files such as torchvision's {@code vgg16-397923af.pth}.
 *
 * <p>The pickle inside is interpreted by a small virtual machine that only knows the few Python
 * globals a state dict of tensors needs: anything else (the arbitrary code a malicious pickle could
 * run) is refused with a {@link CorruptFileException}. Floating-point tensors of any layout are
 * returned as dense row-major float32 {@link Tensor}s.
 */
public final class TorchCheckpointReader {
  private static final Logger LOG = LoggerFactory.getLogger(TorchCheckpointReader.class);

  private TorchCheckpointReader() {}

  /** Reads every tensor of a state dict, in the file's order. */
  public static Map<String, Tensor> read(Path path) throws IOException {
    return read(path, key -> true);
  }

  /**
   * Reads the tensors whose keys {@code wanted} accepts, in the file's order; the data of the other
   * tensors is skipped, not read.
   *
   * @throws CorruptFileException if the file is not a readable state dict of floating-point tensors
   */
  public static Map<String, Tensor> read(Path path, Predicate<String> wanted) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(512);
    }
    Map<String, Tensor> tensors =
        switch (layout(head, path)) {
          case ZIP -> ZipCheckpoint.read(path, wanted);
          case LEGACY -> LegacyCheckpoint.read(path, wanted);
        };
    LOG.debug("read {} tensors from {}", tensors.size(), path);
    return tensors;
  }

  private enum Layout {
    ZIP,
    LEGACY
  }

  private static Layout layout(byte[] head, Path path) throws CorruptFileException {
    if (head.length == 0) {
      throw new CorruptFileException(path, "file is empty");
    }
    if (head.length >= 2 && head[0] == 'P' && head[1] == 'K') {
      return Layout.ZIP;
    }
    if ((head[0] & 0xff) == 0x80) {
      return Layout.LEGACY; // a pickle's PROTO opcode
    }
    if (head.length >= 262
        && new String(Arrays.copyOfRange(head, 257, 262), StandardCharsets.US_ASCII)
            .equals("ustar")) {
      throw new CorruptFileException(
          path, "the tar layout of PyTorch before 0.1.10 is not supported; re-save the file");
    }
    throw new CorruptFileException(path, "not a PyTorch checkpoint (unknown header)");
  }

  /** The entries of {@code tensors} whose keys {@code wanted} accepts, in order. */
  static Map<String, TensorRef> select(Map<String, TensorRef> tensors, Predicate<String> wanted) {
    Map<String, TensorRef> selected = new LinkedHashMap<>();
    tensors.forEach(
        (key, tensor) -> {
          if (wanted.test(key)) {
            selected.put(key, tensor);
          }
        });
    return selected;
  }
}
