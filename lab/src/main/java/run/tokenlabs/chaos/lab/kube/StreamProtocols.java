package run.tokenlabs.chaos.lab.kube;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The subprotocol handshake of the lab's exec websockets, as {@link UpgradeFront} adjusts it: kubectl
 * (1.32) offers only {@code v5.channel.k8s.io}, the mock server knows up to
 * {@code v4.channel.k8s.io}. What v5 adds to v4 is one message from the client, a close of stdin on
 * channel 255; the lab's exec reads no stdin, so what the server sends is the same in both. The front
 * therefore offers v4 beside v5 to the mock and names v5 in its answer when the client asked for v5
 * and the mock chose v4. Only the two handshake heads change; the frames pass byte for byte.
 */
final class StreamProtocols {
  static final String V5 = "v5.channel.k8s.io";
  static final String V4 = "v4.channel.k8s.io";
  private static final String HEADER = "sec-websocket-protocol";

  private StreamProtocols() {}

  /** The request head with v4 offered after v5, when the client offered v5 without v4. */
  static byte[] offer(byte[] requestHead) {
    List<String> offered = protocols(requestHead);
    if (!offered.contains(V5) || offered.contains(V4)) {
      return requestHead;
    }
    List<String> more = new ArrayList<>(offered);
    more.add(more.indexOf(V5) + 1, V4);
    return withProtocols(requestHead, String.join(", ", more));
  }

  /** The response head naming v5 where the client asked for v5 and the server chose v4. */
  static byte[] answer(byte[] requestHead, byte[] responseHead) {
    List<String> offered = protocols(requestHead);
    List<String> chosen = protocols(responseHead);
    if (offered.contains(V5) && !offered.contains(V4) && chosen.equals(List.of(V4))) {
      return withProtocols(responseHead, V5);
    }
    return responseHead;
  }

  /** The protocols a head's {@code Sec-WebSocket-Protocol} headers list, in order. */
  static List<String> protocols(byte[] head) {
    List<String> out = new ArrayList<>();
    for (String line : lines(head)) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(HEADER)) {
        Arrays.stream(line.substring(colon + 1).split(",")).map(String::trim).filter(p -> !p.isEmpty())
            .forEach(out::add);
      }
    }
    return out;
  }

  private static byte[] withProtocols(byte[] head, String value) {
    StringBuilder out = new StringBuilder();
    boolean written = false;
    for (String line : lines(head)) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(HEADER)) {
        if (!written) {
          out.append(line, 0, colon).append(": ").append(value).append("\r\n");
          written = true;
        }
      } else {
        out.append(line).append("\r\n");
      }
    }
    return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The head's lines without the blank one that ends it. */
  private static List<String> lines(byte[] head) {
    String text = new String(head, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    return List.of((end < 0 ? text : text.substring(0, end)).split("\r\n"));
  }
}
