package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.util.RestyleHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a weights file: an explicit path if one is given; else a copy in one of the cache
 * directories (the torch hub cache first, so that a user's existing PyTorch downloads are reused);
 * else, when allowed, a fresh download into restyle's own cache. Every file found is checked
 * against the source's SHA-256 prefix before it is returned.
 */
public final class WeightsResolver {
  private static final Logger LOG = LoggerFactory.getLogger(WeightsResolver.class);

  /** System property that, set to {@code true}, forbids downloads by default. */
  public static final String OFFLINE_PROPERTY = "restyle.offline";

  /**
   * Environment variable that, set to {@code 1} (or {@code true}), forbids downloads by default.
   */
  public static final String OFFLINE_ENV = "RESTYLE_OFFLINE";

  private final List<Path> searchDirectories;
  private final Path downloadDirectory;
  private final WeightsDownloader downloader;

  /**
   * @param searchDirectories where to look for a cached copy, in order
   * @param downloadDirectory where a download goes (searched too, after the others)
   * @param downloader fetches the file when allowed
   */
  public WeightsResolver(
      List<Path> searchDirectories, Path downloadDirectory, WeightsDownloader downloader) {
    List<Path> dirs = new ArrayList<>(searchDirectories);
    if (!dirs.contains(downloadDirectory)) {
      dirs.add(downloadDirectory);
    }
    this.searchDirectories = List.copyOf(dirs);
    this.downloadDirectory = downloadDirectory;
    this.downloader = downloader;
  }

  /** The torch hub cache, then {@link #defaultDownloadDirectory()}; downloads go to the latter. */
  public static WeightsResolver standard() {
    return new WeightsResolver(
        List.of(torchHubCheckpoints()), defaultDownloadDirectory(), new WeightsDownloader());
  }

  /**
   * Where {@code torch.hub} caches weights: {@code $TORCH_HOME/hub/checkpoints}, where {@code
   * TORCH_HOME} defaults to {@code $XDG_CACHE_HOME/torch}, itself defaulting to {@code
   * ~/.cache/torch}.
   */
  public static Path torchHubCheckpoints() {
    String torchHome = System.getenv("TORCH_HOME");
    Path torch;
    if (torchHome != null && !torchHome.isBlank()) {
      torch = Path.of(torchHome);
    } else {
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path cache =
          xdg != null && !xdg.isBlank()
              ? Path.of(xdg)
              : Path.of(System.getProperty("user.home"), ".cache");
      torch = cache.resolve("torch");
    }
    return torch.resolve("hub").resolve("checkpoints");
  }

  /** {@code $RESTYLE_HOME/weights}, or {@code ~/.restyle/weights}. */
  public static Path defaultDownloadDirectory() {
    return RestyleHome.resolve("weights");
  }

  /**
   * Whether offline mode is on: system property {@code restyle.offline=true} or environment
   * variable {@code RESTYLE_OFFLINE=1}. Callers without an explicit choice allow downloads only
   * when it is off.
   */
  public static boolean offline() {
    if (Boolean.parseBoolean(System.getProperty(OFFLINE_PROPERTY))) {
      return true;
    }
    String env = System.getenv(OFFLINE_ENV);
    return env != null && (env.strip().equals("1") || env.strip().equalsIgnoreCase("true"));
  }

  public List<Path> searchDirectories() {
    return searchDirectories;
  }

  public Path downloadDirectory() {
    return downloadDirectory;
  }

  /**
   * The cached copy of {@code source}'s file, or null when no search directory holds one. The hash
   * is not checked here: {@link #resolve} does that when the file is used.
   */
  public Path cached(WeightsSource source) {
    for (Path dir : searchDirectories) {
      Path candidate = dir.resolve(source.fileName());
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Finds {@code source}'s file.
   *
   * @param explicit a path given by the user, or null to search the caches
   * @param allowDownload whether a missing file may be downloaded
   * @return a file whose SHA-256 starts with the source's prefix
   * @throws MissingWeightsException if there is none and none could be downloaded; the message
   *     names the URL, the directories searched and how to pass a path explicitly
   * @throws dev.restyle.engine.network.CorruptFileException if a file found has the wrong hash
   */
  public Path resolve(WeightsSource source, Path explicit, boolean allowDownload)
      throws IOException {
    if (explicit != null) {
      if (!Files.isRegularFile(explicit)) {
        throw new MissingWeightsException(
            "The file given for "
                + source.description()
                + ", "
                + explicit
                + ", does not exist. Download "
                + source.url()
                + " and pass its path, or pass no path to use the cache ("
                + listed()
                + ").");
      }
      source.verify(explicit);
      return explicit;
    }
    Path candidate = cached(source);
    if (candidate != null) {
      source.verify(candidate);
      LOG.debug("using cached {} at {}", source.description(), candidate);
      return candidate;
    }
    if (source.fetchCommand() != null) {
      throw new MissingWeightsException(
          "Cannot find %s (%s) in %s: fetch it with `%s`%s."
              .formatted(
                  source.description(),
                  source.fileName(),
                  listed(),
                  source.fetchCommand(),
                  source.explicitPathHint() == null
                      ? ""
                      : ", or pass the path of a copy (" + source.explicitPathHint() + ")"));
    }
    if (!allowDownload) {
      throw missing(
          source,
          offline()
              ? "downloading is turned off (offline mode: -D"
                  + OFFLINE_PROPERTY
                  + "=true or "
                  + OFFLINE_ENV
                  + "=1)"
              : "downloading was not allowed",
          null);
    }
    try {
      return downloader.download(source, downloadDirectory);
    } catch (IOException e) {
      throw missing(source, "downloading it failed: " + describe(e), e);
    }
  }

  private MissingWeightsException missing(WeightsSource source, String why, Throwable cause) {
    return new MissingWeightsException(
        "Cannot find "
            + source.description()
            + " ("
            + source.fileName()
            + "): it is not in "
            + listed()
            + ", and "
            + why
            + ". To fix this, "
            + source.remedy()
            + (searchDirectories.size() == 1
                ? " into that directory"
                : " into one of those directories")
            + ", allow downloads, or pass the path of a copy"
            + " explicitly ("
            + source.explicitPathHint()
            + ").",
        cause);
  }

  /** Our own exceptions say enough; others (e.g. UnknownHostException) need their type. */
  private static String describe(IOException e) {
    if (e.getClass() == IOException.class || e instanceof CorruptFileException) {
      return e.getMessage();
    }
    String type = e.getClass().getSimpleName();
    return e.getMessage() == null ? type : type + ": " + e.getMessage();
  }

  private String listed() {
    return searchDirectories.stream().map(Path::toString).collect(Collectors.joining(" or "));
  }
}
