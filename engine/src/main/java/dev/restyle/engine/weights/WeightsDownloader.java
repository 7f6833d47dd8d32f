package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.util.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a weights file safely: into a temporary file beside the target, verified against its
 * SHA-256 prefix, then moved into place atomically. A failed or refused download leaves nothing
 * behind.
 */
public final class WeightsDownloader {
  private static final Logger LOG = LoggerFactory.getLogger(WeightsDownloader.class);
  private static final long LOG_EVERY = 64L << 20;

  private final HttpClient client;

  public WeightsDownloader() {
    this(
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build());
  }

  public WeightsDownloader(HttpClient client) {
    this.client = client;
  }

  /**
   * Downloads {@code source} into {@code directory}.
   *
   * @return the downloaded file, {@code directory/source.fileName()}
   * @throws IOException if the download fails or the file does not hash to the expected prefix
   */
  public Path download(WeightsSource source, Path directory) throws IOException {
    Files.createDirectories(directory);
    Path target = directory.resolve(source.fileName());
    Path partial = Files.createTempFile(directory, source.fileName() + ".", ".part");
    try {
      LOG.info("downloading {} from {}", source.description(), source.url());
      fetch(source, partial);
      String sha256 = Sha256.ofFile(partial);
      if (!source.matches(sha256)) {
        throw new CorruptFileException(
            target,
            "the file downloaded from "
                + source.url()
                + " has SHA-256 "
                + sha256
                + ", which does not start with the expected "
                + source.sha256Prefix()
                + ", so it was discarded");
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
      LOG.info("saved {} as {}", source.description(), target);
      return target;
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private void fetch(WeightsSource source, Path partial) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(source.url()).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("download of " + source.url() + " interrupted");
    }
    try (InputStream in = response.body();
        OutputStream out = Files.newOutputStream(partial)) {
      if (response.statusCode() != 200) {
        throw new IOException("HTTP status " + response.statusCode() + " for " + source.url());
      }
      long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      byte[] buffer = new byte[1 << 16];
      long done = 0;
      long nextLog = LOG_EVERY;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        done += n;
        if (done >= nextLog) {
          LOG.info("downloaded {} of {} MiB", done >> 20, total < 0 ? "?" : total >> 20);
          nextLog += LOG_EVERY;
        }
      }
      if (total >= 0 && done != total) {
        throw new IOException("download ended after " + done + " of " + total + " bytes");
      }
    }
  }
}
