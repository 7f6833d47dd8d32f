package dev.restyle.engine.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Incremental SHA-256 with hex output. */
public final class Sha256 {
  private final MessageDigest digest;

  public Sha256() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  public Sha256 update(byte[] bytes) {
    digest.update(bytes);
    return this;
  }

  public String hex() {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** SHA-256 of a whole file, streamed. */
  public static String ofFile(Path path) throws IOException {
    Sha256 sha = new Sha256();
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.digest.update(buffer, 0, n);
      }
    }
    return sha.hex();
  }
}
