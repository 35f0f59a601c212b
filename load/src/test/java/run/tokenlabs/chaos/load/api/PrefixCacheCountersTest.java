package run.tokenlabs.chaos.load.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

class PrefixCacheCountersTest {

  @Test
  void readsVllmCountersInTokensSummedOverLabelSets() throws IOException {
    String before = """
        # HELP vllm:prefix_cache_queries_total Prefix cache queries, in terms of number of queried tokens.
        # TYPE vllm:prefix_cache_queries_total counter
        vllm:prefix_cache_queries_total{engine="0",model_name="m"} 1000.0
        vllm:prefix_cache_queries_total{engine="1",model_name="m"} 200.0
        vllm:prefix_cache_queries_created{engine="0",model_name="m"} 1.7e9
        vllm:prefix_cache_hits_total{engine="0",model_name="m"} 500.0
        vllm:prefix_cache_hits_total{engine="1",model_name="m"} 100.0
        """;
    String after = before.replace("} 1000.0", "} 3000.0").replace("} 500.0", "} 2100.0");
    try (var server = new MockWebServer()) {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      server.enqueue(new MockResponse.Builder().body(before).build());
      server.enqueue(new MockResponse.Builder().body(after).build());
      String url = "http://127.0.0.1:" + server.getPort() + "/metrics";

      PrefixCacheCounters first = PrefixCacheCounters.read(url);
      PrefixCacheCounters load = PrefixCacheCounters.read(url).since(first);

      assertThat(first.queriedTokens()).isEqualTo(1200.0);
      assertThat(first.hitTokens()).isEqualTo(600.0);
      assertThat(load.queriedTokens()).isEqualTo(2000.0);
      assertThat(load.hitRate()).hasValue(0.8);
    }
  }

  @Test
  void fallsBackToTheOlderNamesAndToSglangsGauge() {
    var old = PrefixCacheCounters.parse("vllm:gpu_prefix_cache_queries_total{model_name=\"m\"} 64\n"
        + "vllm:gpu_prefix_cache_hits_total{model_name=\"m\"} 16\n");
    assertThat(old.hitRate()).hasValue(0.25);

    var sglang = PrefixCacheCounters.parse("sglang:cache_hit_rate{model_name=\"m\"} 0.42\n");
    assertThat(sglang.queriedTokens()).isNaN();
    assertThat(sglang.hitRate()).hasValue(0.42);
    assertThat(PrefixCacheCounters.parse("up 1\n").hitRate()).isEmpty();
  }

  @Test
  void aCounterResetInBetweenIsRefused() {
    var before = new PrefixCacheCounters(5000, 4000, Double.NaN);
    var after = new PrefixCacheCounters(100, 0, Double.NaN);
    assertThatThrownBy(() -> after.since(before)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("restarted");
  }
}
