package dev.restyle.engine.optim;

import java.util.Map;

/** Receives progress of a long computation (a progress bar, a log, a test). */
@FunctionalInterface
public interface Progress {
  Progress NONE = (step, total, values) -> {};

  /**
   * @param step steps done
   * @param total steps planned
   * @param values named measurements at this step (losses, rates)
   */
  void update(long step, long total, Map<String, Double> values);
}
