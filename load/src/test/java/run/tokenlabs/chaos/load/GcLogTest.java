package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GcLogTest {

  @Test
  void readsTheHeapAfterEachPauseOfAUnifiedGcLog() {
    var full = GcLog.parse("[125.031s][info][gc] GC(41) Pause Full (System.gc()) 171M->160M(256M) 45.612ms");
    assertThat(full).isEqualTo(new GcLog.Pause(125.031, "Pause Full", 160L << 20));
    assertThat(full.full()).isTrue();

    var young = GcLog.parse("[3.2s][info][gc] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 2048K->1536K(8192K) 1.2ms");
    assertThat(young.afterBytes()).isEqualTo(1536L << 10);
    assertThat(young.full()).isFalse();
  }

  @Test
  void linesWithoutAPauseAreNoPause() {
    assertThat(GcLog.parse("[0.010s][info][gc] Using G1")).isNull();
    assertThat(GcLog.parse("[9.1s][info][gc] GC(5) Concurrent Mark Cycle 12.3ms")).isNull();
  }
}
