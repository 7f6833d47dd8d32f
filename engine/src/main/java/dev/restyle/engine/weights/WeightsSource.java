package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.util.Sha256;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A published weights file: where it is downloaded from, the name it is cached under and the
 * SHA-256 prefix that recognises it.
 *
 * <p>torchvision's convention: a file's name carries the first hex digits of its SHA-256 ({@code
 * vgg16-397923af.pth}), and {@code torch.hub} checks exactly that prefix.
 *
 * @param description what the file is, for messages (e.g. "torchvision's VGG-16 ImageNet weights")
 * @param url where to download it
 * @param fileName its name in a cache directory
 * @param sha256Prefix the leading lowercase hex digits of its SHA-256
 * @param explicitPathHint how a user passes a copy's path explicitly (e.g. "--vgg-weights PATH"),
 *     for messages
 * @param fetchCommand the command that puts the file into the cache when it is not a plain download
 *     (made from a package by {@code restyle weights fetch NAME}), or null
 */
public record WeightsSource(
    String description,
    URI url,
    String fileName,
    String sha256Prefix,
    String explicitPathHint,
    String fetchCommand) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,64}");

  public WeightsSource {
    if (!HEX.matcher(sha256Prefix).matches()) {
      throw new IllegalArgumentException("not a lowercase SHA-256 prefix: " + sha256Prefix);
    }
    if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\")) {
      throw new IllegalArgumentException("not a plain file name: " + fileName);
    }
  }

  /** A file published for download at {@code url}. */
  public WeightsSource(
      String description, URI url, String fileName, String sha256Prefix, String explicitPathHint) {
    this(description, url, fileName, sha256Prefix, explicitPathHint, null);
  }

  /** A copy of this source with another expected hash prefix (tests use synthetic files). */
  public WeightsSource withSha256Prefix(String prefix) {
    return new WeightsSource(description, url, fileName, prefix, explicitPathHint, fetchCommand);
  }

  /** What puts a fresh copy in place, for messages. */
  String remedy() {
    return fetchCommand != null ? "run: " + fetchCommand : "download " + url;
  }

  /** Whether a full SHA-256 (lowercase hex) is this source's. */
  public boolean matches(String sha256) {
    return sha256.startsWith(sha256Prefix);
  }

  /**
   * Checks that {@code file} hashes to this source's prefix.
   *
   * @throws CorruptFileException if it does not, naming both hashes
   */
  public void verify(Path file) throws IOException {
    String actual = Sha256.ofFile(file);
    if (!matches(actual)) {
      throw new CorruptFileException(
          file,
          "SHA-256 is "
              + actual
              + ", but that of "
              + description
              + " ("
              + fileName
              + ") starts with "
              + sha256Prefix
              + ": the file is damaged or is another file; delete it and "
              + remedy());
    }
  }
}
