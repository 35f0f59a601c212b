package run.tokenlabs.chaos.lab.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JdkServerTuningTest {

  @Test
  @DisplayName("creating a lab server turns on TCP_NODELAY and keeps enough idle connections, JVM-wide")
  void theJdkServerIsTunedBeforeTheFirstServer() throws IOException {
    HttpServers.stop(HttpServers.create(InetAddress.getLoopbackAddress(), "tuning-test", 1));

    assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    assertThat(Integer.getInteger("sun.net.httpserver.maxIdleConnections")).isGreaterThanOrEqualTo(4 * 1024);
  }

  @Test
  @DisplayName("a value given on the command line is kept, not overwritten")
  void aGivenValueIsKept() {
    String key = "sun.net.httpserver.maxIdleConnections";
    String before = System.getProperty(key);
    try {
      System.setProperty(key, "77");
      JdkServerTuning.apply();
      assertThat(System.getProperty(key)).isEqualTo("77");
    } finally {
      System.setProperty(key, before == null ? String.valueOf(JdkServerTuning.IDLE_CONNECTIONS) : before);
    }
  }
}
