package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ProbeException;

class AwaitingTest {
  private final AtomicInteger reads = new AtomicInteger();

  private String drain() {
    int n = reads.incrementAndGet();
    return "KV " + Math.max(0, 40 - 10 * n) + "%, waiting " + Math.max(0, 3 - n);
  }

  @Test
  @DisplayName("until() returns the reading that satisfied the condition; the first one is read at once")
  void returnsTheAcceptedReading() {
    String drained = Awaiting.reading("KV cache drained", this::drain).atMost(Duration.ofSeconds(10))
        .pollEvery(Duration.ofMillis(10)).until(r -> r.equals("KV 0%, waiting 0"));

    assertThat(drained).isEqualTo("KV 0%, waiting 0");
    assertThat(reads).hasValue(4);
  }

  @Test
  @DisplayName("a timeout is an AssertionError naming what was awaited, the limit, the last reading and the hint")
  void timeoutCarriesTheLastReading() {
    Awaiting<String> wait = Awaiting.reading("KV cache of deepseek-r1-7b drained", () -> "KV 3.20%, waiting 2")
        .atMost(Duration.ofMillis(200)).pollEvery(Duration.ofMillis(20))
        .onTimeout("the server kept requests queued after the load ended");

    assertThatThrownBy(() -> wait.until(r -> false)).isInstanceOf(AssertionError.class)
        .hasMessage("KV cache of deepseek-r1-7b drained: not reached within 200 ms; last reading: KV 3.20%, "
            + "waiting 2 (read every 20 ms); the server kept requests queued after the load ended");
  }

  @Test
  @DisplayName("untilOrEmpty() gives the accepted reading, or empty on timeout (for waits with a fallback)")
  void untilOrEmpty() {
    assertThat(Awaiting.reading("three reads", reads::incrementAndGet).atMost(Duration.ofSeconds(10))
        .pollEvery(Duration.ofMillis(10)).untilOrEmpty(n -> n >= 3)).contains(3);
    assertThat(Awaiting.reading("never", reads::incrementAndGet).atMost(Duration.ofMillis(100))
        .pollEvery(Duration.ofMillis(10)).untilOrEmpty(n -> n < 0)).isEmpty();
  }

  @Test
  @DisplayName("a reading that throws ends the wait with that exception, not with a timeout")
  void readingFailurePropagates() {
    ProbeException refused = new ProbeException("Prometheus at http://p:9090 refused the connection");

    assertThatThrownBy(() -> Awaiting.<String>reading("series scraped", () -> {
      throw refused;
    }).atMost(Duration.ofSeconds(10)).until(r -> true)).isSameAs(refused);
  }

  @Test
  @DisplayName("the limit must be positive, and options are copies (the original keeps its settings)")
  void limitsAndCopies() {
    assertThatThrownBy(() -> Awaiting.reading("x", () -> 1).atMost(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit of 'x' must be positive");
    Awaiting<Integer> plain = Awaiting.reading("no hint", () -> 1).atMost(Duration.ofMillis(50));
    plain.onTimeout("a hint");

    assertThatThrownBy(() -> plain.until(n -> n > 1)).hasMessageEndingWith("last reading: 1 (read every 25 ms)");
  }
}
