package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A {@code /metrics} page over the scrape bound fails that scrape naming the bound, instead of being read whole. */
class ScrapesBoundTest {
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aPageOverTheBoundFailsNamingIt() throws IOException {
    String page = "# TYPE up gauge\nup 1\n";
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody(page.repeat(100), 64).build());
    server.enqueue(new MockResponse.Builder().code(200).body(page).build());
    URI uri = server.url("/metrics").uri();

    assertThatThrownBy(() -> Scrapes.fetch(Scrapes.client(), uri, Duration.ofSeconds(5), 1000))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("metrics page of " + uri)
        .hasMessageContaining("bound of 1000 bytes");
    assertThat(Scrapes.fetch(Scrapes.client(), uri, Duration.ofSeconds(5), 1000)).isEqualTo(page);
  }

  @Test
  void theDefaultBoundIs32MiB() {
    assertThat(Scrapes.MAX_BODY_BYTES).isEqualTo(32L << 20);
  }
}
