package run.tokenlabs.chaos.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProbeTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  @DisplayName("readNow() returns what read() returns, a value or no data")
  void readNowReturnsTheReading() {
    assertThat(Probe.of("ready pods", () -> Reading.of(2)).readNow()).isEqualTo(Reading.of(2));
    assertThat(Probe.<Integer>of("ready pods", () -> Reading.noData("no pod")).readNow().noDataReason())
        .contains("no pod");
  }

  @Test
  @DisplayName("readNow() turns a checked exception into a ProbeException naming the probe, with the cause")
  void checkedExceptionBecomesProbeException() {
    IOException refused = new IOException("Connection refused");
    Probe<Double> probe = Probe.of("promql: up", () -> {
      throw refused;
    });

    assertThatThrownBy(probe::readNow).isInstanceOf(ProbeException.class)
        .hasMessageContaining("Probe 'promql: up' could not be read")
        .hasMessageContaining("Connection refused")
        .hasCause(refused);
  }

  @Test
  @DisplayName("readNow() lets unchecked exceptions through unchanged (a ProbeException stays as thrown)")
  void uncheckedExceptionPassesUnchanged() {
    ProbeException original = new ProbeException("Prometheus at http://p:9090 answered 503");
    Probe<Double> probe = Probe.of("promql: up", () -> {
      throw original;
    });

    assertThatThrownBy(probe::readNow).isSameAs(original);
  }

  @Test
  @DisplayName("readNow() keeps the thread's interrupt status when read() was interrupted")
  void interruptKeepsTheFlag() {
    Probe<Double> probe = Probe.of("slow probe", () -> {
      throw new InterruptedException("sleep interrupted");
    });

    assertThatThrownBy(probe::readNow).isInstanceOf(ProbeException.class).hasMessageContaining("'slow probe'")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }
}
