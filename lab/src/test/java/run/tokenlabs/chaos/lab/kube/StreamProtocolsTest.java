package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The exec websocket's subprotocol handshake between kubectl (v5 only) and the mock server (up to v4). */
class StreamProtocolsTest {
  private static final String KUBECTL = "GET /api/v1/namespaces/ns/pods/p/exec?command=ls HTTP/1.1\r\n"
      + "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: a2V5\r\n"
      + "Sec-Websocket-Protocol: v5.channel.k8s.io\r\n\r\n";
  private static final String MOCK_V4 = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Accept: eHl6\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n";

  @Test
  @DisplayName("a v5-only offer reaches the mock with v4 after v5, every other header unchanged")
  void v4OfferedAfterV5() {
    String offered = text(StreamProtocols.offer(bytes(KUBECTL)));

    assertThat(StreamProtocols.protocols(bytes(offered))).containsExactly("v5.channel.k8s.io", "v4.channel.k8s.io");
    assertThat(offered).isEqualTo(KUBECTL.replace("v5.channel.k8s.io", "v5.channel.k8s.io, v4.channel.k8s.io"));
  }

  @Test
  @DisplayName("the mock's v4 reaches a v5-only client as v5; the accept key and the rest stay")
  void v4AnsweredAsV5() {
    String answered = text(StreamProtocols.answer(bytes(KUBECTL), bytes(MOCK_V4)));

    assertThat(answered).isEqualTo(MOCK_V4.replace("v4.channel.k8s.io", "v5.channel.k8s.io"));
  }

  @Test
  @DisplayName("a client that offers v4 itself (fabric8) and an answer without a protocol pass unchanged")
  void othersPassUnchanged() {
    byte[] fabric8 = bytes(KUBECTL.replace("v5.channel.k8s.io", "v4.channel.k8s.io"));
    byte[] noProtocol = bytes(MOCK_V4.replace("Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n", ""));

    assertThat(StreamProtocols.offer(fabric8)).isSameAs(fabric8);
    assertThat(StreamProtocols.answer(fabric8, bytes(MOCK_V4))).asString(StandardCharsets.ISO_8859_1)
        .isEqualTo(MOCK_V4);
    assertThat(StreamProtocols.answer(bytes(KUBECTL), noProtocol)).isSameAs(noProtocol);
    assertThat(StreamProtocols.protocols(noProtocol)).isEqualTo(List.of());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
