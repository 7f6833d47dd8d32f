package dev.restyle.cli;

import dev.restyle.engine.optim.Progress;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar (with ETA) fed by {@link Progress} updates. */
final class ProgressBars implements Progress, AutoCloseable {
  private final ProgressBar bar;

  ProgressBars(String task, long total, long start) {
    bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total)
            .startsFrom(start, java.time.Duration.ZERO)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500)
            .build();
  }

  @Override
  public void update(long step, long total, Map<String, Double> values) {
    bar.stepTo(step);
    bar.setExtraMessage(
        values.entrySet().stream()
            .map(e -> String.format(Locale.ROOT, "%s %.4g", e.getKey(), e.getValue()))
            .collect(Collectors.joining(" ")));
  }

  @Override
  public void close() {
    bar.close();
  }
}
