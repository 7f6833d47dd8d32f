package dev.restyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class RuntimeTest {
  @Test
  void aCpuRunsTwoPredictorsWhereItHasTwoCoresAndAGpuOne() {
    int cores = java.lang.Runtime.getRuntime().availableProcessors();
    assertEquals(Math.min(2, cores), Runtime.defaultPredictors(Device.cpu()));
    assertEquals(1, Runtime.defaultPredictors(Device.gpu()));
    assertEquals(1, Runtime.defaultPredictors(Device.cpu(), 1));
    assertEquals(2, Runtime.defaultPredictors(Device.cpu(), 8));
  }

  @Test
  void aCpuBatchesOneFrameAtATimeAndAGpuFour() {
    assertEquals(1, Runtime.defaultBatch(Device.cpu()));
    assertEquals(4, Runtime.defaultBatch(Device.gpu()));
  }
}
