package run.tokenlabs.chaos.engine.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The CRUD mock with the pods/exec subresource answered as the API server answers it: a websocket
 * upgrade speaking the {@code v4.channel.k8s.io} protocol (one channel byte before each frame: 1
 * stdout, 3 the exit status). Records each command and exits with {@link #exitCode}.
 */
public final class ExecRecordingDispatcher extends KubernetesCrudDispatcher {
  /** One exec as the server received it: {@code pods/{pod}} in {@code namespace}, its container and command. */
  public record Exec(String namespace, String pod, String container, List<String> command) {}

  public final List<Exec> execs = new CopyOnWriteArrayList<>();
  public volatile int exitCode;

  public ExecRecordingDispatcher() {
    super(List.of());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    if (!path.matches("/api/v1/namespaces/[^/]+/pods/[^/]+/exec\\?.*")) {
      return super.dispatch(request);
    }
    String[] parts = path.substring(0, path.indexOf('?')).split("/");
    List<String> command = new ArrayList<>();
    String container = "";
    for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
      String[] kv = pair.split("=", 2);
      String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
      if (kv[0].equals("command")) {
        command.add(value);
      } else if (kv[0].equals("container")) {
        container = value;
      }
    }
    execs.add(new Exec(parts[4], parts[6], container, List.copyOf(command)));
    int exit = exitCode;
    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
      @Override
      public void onOpen(WebSocket ws, Response response) {
        ws.send(frame(1, exit == 0 ? "Successfully injected.\n" : "Error: unable to inject.\n"));
        ws.send(frame(3, exit == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
            : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code\","
                + "\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                + exit + "\"}]}}"));
      }

      @Override
      public void onClosing(WebSocket ws, int code, String reason) {
        ws.close(code, reason); // the client closes once it has read the status: answer, as the API server does
      }
    });
  }

  private static byte[] frame(int channel, String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) channel;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }
}
