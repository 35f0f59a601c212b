package run.tokenlabs.chaos.load.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Secret;

class LoadSpecTest {

  @Test
  void bearerTokenNeverPrints() {
    var endpoint = Endpoint.chat("http://127.0.0.1:8000/", "m").withBearerToken(Secret.of("sk-secret"));
    var spec = Load.closedLoop(endpoint, 4);

    assertThat(endpoint.baseUrl().toString()).isEqualTo("http://127.0.0.1:8000");
    assertThat(endpoint.toString()).contains("bearer=****").doesNotContain("sk-secret");
    assertThat(spec.toString()).doesNotContain("sk-secret");
  }

  @Test
  void everyLoadStartsBounded() {
    var spec = Load.openLoop(Endpoint.completions("http://127.0.0.1:8000", "m"), Arrivals.poisson(2));

    assertThat(spec.bounds().duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(spec.bounds().maxRequests()).isEqualTo(1000);
    assertThat(spec.bounds().maxEventBytes()).isEqualTo(4L << 20);
    assertThat(spec.pool().sizing()).isEqualTo(ClientPool.Sizing.FROM_LOAD);
  }

  @Test
  void misconfigurationFailsFastNamingTheValue() {
    assertThatThrownBy(() -> Arrivals.poisson(0)).hasMessageContaining("rate").hasMessageContaining("0.0");
    assertThatThrownBy(() -> new Bounds(Duration.ZERO, 10, Duration.ofSeconds(1))).hasMessageContaining("duration");
    assertThatThrownBy(() -> Bounds.of(Duration.ofSeconds(1), 0)).hasMessageContaining("maxRequests");
    assertThatThrownBy(() -> Bounds.of(Duration.ofSeconds(1), 1).withMaxEventBytes(0))
        .hasMessageContaining("maxEventBytes").hasMessageContaining("was 0");
    assertThatThrownBy(() -> Endpoint.completions("ftp://x", "m")).hasMessageContaining("http or https");
    assertThatThrownBy(() -> Workload.of(Bucket.interactive(), Bucket.interactive())).hasMessageContaining("'A'");
    assertThatThrownBy(() -> Load.closedLoop(Endpoint.completions("http://h", "m"), 0)).hasMessageContaining("concurrency");
  }

  @Test
  void presetsMatchTheBuckets() {
    assertThat(Bucket.longContext().promptTokens()).isEqualTo(32_768);
    assertThat(Bucket.interactive().name()).isEqualTo("A");
    assertThat(Bucket.batchLight().name()).isEqualTo("B");
  }
}
