package dev.restyle.ingest.temporal;

import java.util.Locale;
import org.bytedeco.opencv.opencv_video.DISOpticalFlow;

/** The presets of OpenCV's DIS optical flow, fastest first. */
public enum DisPreset {
  ULTRAFAST(DISOpticalFlow.PRESET_ULTRAFAST),
  FAST(DISOpticalFlow.PRESET_FAST),
  MEDIUM(DISOpticalFlow.PRESET_MEDIUM);

  private final int code;

  DisPreset(int code) {
    this.code = code;
  }

  /** OpenCV's constant. */
  int code() {
    return code;
  }

  /** The name as configs write it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
