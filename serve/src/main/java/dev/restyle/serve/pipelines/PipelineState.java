package dev.restyle.serve.pipelines;

/** Where a pipeline is in its life. */
public enum PipelineState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean finished() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
