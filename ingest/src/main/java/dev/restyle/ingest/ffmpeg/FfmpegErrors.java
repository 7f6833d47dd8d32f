package dev.restyle.ingest.ffmpeg;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Turns JavaCV's exception messages ("avformat_open_input() error -1094995529: ...") into words.
 */
public final class FfmpegErrors {
  private static final Pattern CODE = Pattern.compile("error (-\\d+)");
  private static final Pattern HINT = Pattern.compile(" \\(For more details, .*\\)$");

  private FfmpegErrors() {}

  /** FFmpeg's own text for an error code, e.g. "Invalid data found when processing input". */
  public static String describe(int code) {
    byte[] buffer = new byte[256];
    if (avutil.av_strerror(code, buffer, buffer.length) < 0) {
      return "FFmpeg error " + code;
    }
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * A one-line description of a JavaCV failure: FFmpeg's text for the error code it carries (e.g.
   * "Invalid data found when processing input"), or else JavaCV's message without its advice to
   * enable logging.
   */
  public static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    message = HINT.matcher(message).replaceFirst("").replace('\n', ' ').strip();
    Matcher m = CODE.matcher(message);
    if (m.find()) {
      try {
        return describe(Integer.parseInt(m.group(1)));
      } catch (NumberFormatException ignored) {
        return message;
      }
    }
    return message;
  }
}
