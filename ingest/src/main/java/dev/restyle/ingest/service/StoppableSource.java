package dev.restyle.ingest.service;

import dev.restyle.ingest.audio.AudioTrack;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.source.FrameSource;
import java.io.IOException;
import java.util.Optional;

/**
 * A source that can be told to end its stream early, from any thread: the pipeline then drains and
 * the sink completes its output, as at the natural end of the stream. A live source also stops
 * waiting to reconnect.
 */
final class StoppableSource implements FrameSource {
  private final FrameSource delegate;
  private volatile boolean stopped;

  StoppableSource(FrameSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public void stop() {
    stopped = true;
    delegate.stop();
  }

  boolean stopped() {
    return stopped;
  }

  FrameSource delegate() {
    return delegate;
  }

  @Override
  public StreamInfo info() {
    return delegate.info();
  }

  @Override
  public Frame read() throws IOException {
    if (stopped) {
      return null;
    }
    Frame frame = delegate.read();
    return stopped ? null : frame;
  }

  @Override
  public long decodeErrors() {
    return delegate.decodeErrors();
  }

  @Override
  public Optional<AudioTrack> openAudio() throws IOException {
    return delegate.openAudio();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
