package dev.restyle.ingest.pipeline;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.sink.FrameSink;
import java.util.ArrayList;
import java.util.List;

/** Keeps what a pipeline writes, and whether it was finished. */
final class ListSink implements FrameSink {
  final List<Frame> frames = new ArrayList<>();
  boolean finished;

  @Override
  public void write(Frame frame) {
    frames.add(frame);
  }

  @Override
  public void finish() {
    finished = true;
  }

  @Override
  public void close() {}
}
