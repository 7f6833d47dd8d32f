package dev.restyle.cli;

import dev.restyle.ingest.sample.SampleClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The video a command reads: the file the user named or, when none, a sample clip drawn into a
 * temporary file that closing deletes.
 */
final class InputVideo implements AutoCloseable {
  private final Path given;
  private final Path file;

  private InputVideo(Path given, Path file) {
    this.given = given;
    this.file = file;
  }

  /** The named file, or a fresh sample clip if {@code input} is null. */
  static InputVideo of(Path input) throws IOException {
    if (input != null) {
      return new InputVideo(input, input);
    }
    Path sample = Files.createTempFile("restyle-sample-", ".mp4");
    try {
      SampleClip.write(sample, SampleClip.Spec.DEFAULT);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(sample);
      throw e;
    }
    return new InputVideo(null, sample);
  }

  /** The file to read. */
  Path file() {
    return file;
  }

  /** A name for stream ids and output files: the file name, or {@code sample}. */
  String name() {
    return given != null ? given.getFileName().toString() : "sample";
  }

  /** How messages show the input: the path as given, or {@code sample clip}. */
  String label() {
    return given != null ? given.toString() : "sample clip";
  }

  /** Deletes the sample clip, if one was drawn. */
  @Override
  public void close() throws IOException {
    if (given == null) {
      Files.deleteIfExists(file);
    }
  }
}
