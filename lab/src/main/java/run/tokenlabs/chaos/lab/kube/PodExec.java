package run.tokenlabs.chaos.lab.kube;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pods/exec subresource of the lab's API server, as fabric8's exec and {@code kubectl exec} use it:
 * a GET upgraded to a websocket that speaks the {@code v4.channel.k8s.io} protocol (each binary frame
 * starts with its channel: 1 stdout, 2 stderr, 3 the exit status as a {@code Status}). The command
 * runs in the lab's {@link Handler} (the DCGM pods run {@code dcgmi}); a pod without one answers as a
 * container without the executable does, exit 126 with the runtime's message.
 */
public final class PodExec {
  private static final Logger LOG = Logger.getLogger(PodExec.class.getName());
  private static final Pattern PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/exec");

  /** Runs a command in a pod's container and returns its exit code and output. */
  @FunctionalInterface
  public interface Handler {
    /** Empty when this handler does not serve the pod. */
    Optional<Result> run(String namespace, String pod, String container, List<String> command);
  }

  /**
   * What a command did.
   *
   * @param exitCode its exit code
   * @param stdout what it wrote to stdout
   * @param stderr what it wrote to stderr
   */
  public record Result(int exitCode, String stdout, String stderr) {}

  private final AtomicReference<Handler> handler = new AtomicReference<>((ns, pod, c, command) -> Optional.empty());

  void handler(Handler value) {
    handler.set(value);
  }

  /** Whether {@code path} (without query) is an exec request. */
  static boolean isExec(String path) {
    return PATH.matcher(path).matches();
  }

  MockResponse respond(RecordedRequest request, String path, String query) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an exec path: " + path);
    }
    List<String> command = new ArrayList<>();
    String container = "";
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
      if (kv[0].equals("command")) {
        command.add(value);
      } else if (kv[0].equals("container")) {
        container = value;
      }
    }
    Result result = run(m.group(1), m.group(2), container, List.copyOf(command));
    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
      @Override
      public void onOpen(WebSocket ws, Response response) {
        if (!result.stdout().isEmpty()) {
          ws.send(frame(1, result.stdout()));
        }
        if (!result.stderr().isEmpty()) {
          ws.send(frame(2, result.stderr()));
        }
        ws.send(frame(3, status(result.exitCode())));
        // The API server closes once the command ended: kubectl reads the status channel to its end.
        ws.close(1000, "");
      }

      @Override
      public void onClosing(WebSocket ws, int code, String reason) {
        ws.close(code, reason); // a client that closes first (fabric8 once it has the status) gets its answer
      }
    });
  }

  private Result run(String namespace, String pod, String container, List<String> command) {
    try {
      return handler.get().run(namespace, pod, container, command).orElseGet(() -> new Result(126, "",
          "OCI runtime exec failed: exec failed: unable to start container process: exec: \""
              + (command.isEmpty() ? "" : command.get(0)) + "\": executable file not found in $PATH: unknown\n"));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "exec of " + command + " in pod " + namespace + "/" + pod + " failed", e);
      return new Result(1, "", "error: " + e.getMessage() + "\n");
    }
  }

  /** The exit status as the API server sends it on channel 3. */
  static String status(int exitCode) {
    return exitCode == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
        : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: "
            + "error executing command, exit code " + exitCode + "\",\"reason\":\"NonZeroExitCode\",\"details\":"
            + "{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"" + exitCode + "\"}]}}";
  }

  private static byte[] frame(int channel, String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) channel;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }
}
