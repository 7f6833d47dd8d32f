package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A package of the npm registry pinned by version and by the registry's integrity hash (SHA-512),
 * fetched as a user would: {@code npm pack NAME@VERSION}, which downloads the tarball through the
 * user's npm configuration (registry, proxy, cache) without installing or running anything.
 *
 * @param name package name (unscoped)
 * @param version exact version
 * @param integrity the registry's {@code dist.integrity}: {@code sha512-} and the base64 digest
 */
public record NpmPackage(String name, String version, String integrity) {
  private static final String SHA512 = "sha512-";
  private static final long PACK_TIMEOUT_MINUTES = 10;

  public NpmPackage {
    if (!integrity.startsWith(SHA512)) {
      throw new IllegalArgumentException("integrity must be a sha512- hash, got " + integrity);
    }
  }

  /** {@code name@version}. */
  public String spec() {
    return name + "@" + version;
  }

  /** The tarball's file name, as {@code npm pack} writes it. */
  public String tarballName() {
    return name + "-" + version + ".tgz";
  }

  /** Where the public registry serves the tarball. */
  public URI tarballUrl() {
    return URI.create("https://registry.npmjs.org/" + name + "/-/" + tarballName());
  }

  /**
   * Runs {@code npm pack} into {@code folder} and checks the tarball.
   *
   * @return the verified tarball
   * @throws IOException if npm is missing or fails (its own words are in the message), or the
   *     tarball does not match {@link #integrity}
   */
  public Path pack(Path folder) throws IOException {
    Files.createDirectories(folder);
    List<String> command =
        List.of("npm", "pack", spec(), "--pack-destination", folder.toString(), "--silent");
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run npm ("
              + e.getMessage()
              + "): install Node.js and npm, or download "
              + tarballUrl()
              + " yourself and pass it with --from",
          e);
    }
    process.getOutputStream().close();
    String output;
    try (InputStream out = process.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    try {
      if (!process.waitFor(PACK_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException("npm pack " + spec() + " did not finish in 10 minutes");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while npm fetched " + spec(), e);
    }
    Path tarball = folder.resolve(tarballName());
    if (process.exitValue() != 0 || !Files.isRegularFile(tarball)) {
      throw new IOException(
          "npm pack "
              + spec()
              + " failed (exit "
              + process.exitValue()
              + "): "
              + lastLines(output)
              + "; without the registry, download "
              + tarballUrl()
              + " elsewhere and pass it with --from");
    }
    verify(tarball);
    return tarball;
  }

  /**
   * Checks a tarball against {@link #integrity}.
   *
   * @throws CorruptFileException naming both hashes when it differs
   */
  public void verify(Path tarball) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-512", e);
    }
    try (InputStream in = Files.newInputStream(tarball)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    String actual = SHA512 + Base64.getEncoder().encodeToString(digest.digest());
    if (!actual.equals(integrity)) {
      throw new CorruptFileException(
          tarball,
          "is not " + spec() + ": its integrity is " + actual + ", the registry's is " + integrity);
    }
  }

  /**
   * Extracts the regular files under {@code prefix} (e.g. {@code package/dist/models/x/}) of a
   * tarball into {@code folder}, flat, under their own names.
   *
   * @return the files written
   */
  public static List<Path> extract(Path tarball, String prefix, Path folder) throws IOException {
    Files.createDirectories(folder);
    List<Path> written = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tarball)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String path = entry.getName();
        if (!entry.isFile() || !path.startsWith(prefix)) {
          continue;
        }
        String file = path.substring(prefix.length());
        if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.startsWith(".")) {
          continue;
        }
        Path target = folder.resolve(file);
        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
        written.add(target);
      }
    }
    return written;
  }

  private static String lastLines(String output) {
    if (output.isEmpty()) {
      return "no output";
    }
    String[] lines = output.split("\n");
    int from = Math.max(0, lines.length - 3);
    return String.join(" / ", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }
}
