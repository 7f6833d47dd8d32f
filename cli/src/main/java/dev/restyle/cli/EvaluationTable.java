package dev.restyle.cli;

import dev.restyle.trainer.evaluate.Evaluation;
import java.math.BigDecimal;
import java.util.Locale;

/** The text table {@code restyle evaluate} prints. */
final class EvaluationTable {
  private EvaluationTable() {}

  static String format(Evaluation e, String photosDescription) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%d photos (%s%s), longer side %d px; loss network %s, style %s at %d px;"
                + " total = %s content + %s style + %s tv; medians over the photos%n%n",
            e.photos().size(),
            photosDescription,
            e.skipped() > 0 ? ", " + e.skipped() + " unreadable skipped" : "",
            e.size(),
            e.lossNetwork(),
            e.style(),
            e.styleSize(),
            plain(e.contentWeight()),
            plain(e.styleWeight()),
            plain(e.tvWeight())));
    int nameWidth = "network".length();
    int layoutWidth = "layout".length();
    for (Evaluation.Score s : e.networks()) {
      nameWidth = Math.max(nameWidth, s.label().length());
      layoutWidth = Math.max(layoutWidth, s.architecture().length());
    }
    String header =
        String.format(
            Locale.ROOT,
            "%-" + nameWidth + "s  %-" + layoutWidth + "s  %10s  %9s  %9s  %9s  %11s  %9s%n",
            "network",
            "layout",
            "params",
            "style",
            "content",
            "total",
            "total/first",
            "ms/image");
    out.append(header);
    out.append("-".repeat(header.length() - 1)).append(System.lineSeparator());
    double firstTotal = e.networks().get(0).total();
    for (Evaluation.Score s : e.networks()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-"
                  + nameWidth
                  + "s  %-"
                  + layoutWidth
                  + "s  %,10d  %9.4f  %9.4f  %9.4f  %11.2f  %9.1f%n",
              s.label(),
              s.architecture(),
              s.parameters(),
              s.style(),
              s.content(),
              s.total(),
              s.total() / firstTotal,
              s.msPerImage()));
    }
    return out.toString();
  }

  /** A weight as typed: 2.5, not 2.50000. */
  private static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
