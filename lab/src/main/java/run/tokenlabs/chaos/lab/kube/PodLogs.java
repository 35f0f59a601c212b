package run.tokenlabs.chaos.lab.kube;

import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pods/log subresource of the lab's API server, as {@code kubectl logs} and fabric8's
 * {@code getLog()} read it: the output of a pod whose container the lab runs as a local process (a
 * Job's worker), from the file its output goes to. {@code tailLines} and {@code limitBytes} are
 * honoured; {@code follow=true} answers what was written so far and ends (the API front passes whole
 * answers on). A pod with no such file (a simulated model pod) has an empty log; an unknown pod is
 * NotFound.
 */
public final class PodLogs {
  private static final Pattern PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log");

  private final Map<String, Path> files = new ConcurrentHashMap<>();

  /** From now on the log of {@code namespace/pod} is the content of {@code file}. */
  void register(String namespace, String pod, Path file) {
    files.put(namespace + "/" + pod, file);
  }

  /** The pod is gone: its log is no longer served. */
  void forget(String namespace, String pod) {
    files.remove(namespace + "/" + pod);
  }

  /** Whether {@code path} (without query) is a pods/log request. */
  static boolean isLog(String path) {
    return PATH.matcher(path).matches();
  }

  /**
   * The answer to a GET of {@code path}.
   *
   * @param get how the store answers a GET of a path (to tell a pod without a log from no pod)
   */
  MockResponse respond(String path, Map<String, String> query, Function<String, MockResponse> get) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a pods/log path: " + path);
    }
    String namespace = m.group(1);
    String pod = m.group(2);
    Path file = files.get(namespace + "/" + pod);
    if (file == null) {
      MockResponse stored = get.apply("/api/v1/namespaces/" + namespace + "/pods/" + pod);
      if (stored.code() == 404 || stored.getBody() == null || stored.getBody().size() == 0) {
        return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json").setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"pods \\\"" + pod + "\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"" + pod
                + "\",\"kind\":\"pods\"},\"code\":404}");
      }
      return text("");
    }
    try {
      return text(select(Files.readString(file, StandardCharsets.UTF_8), query));
    } catch (IOException e) {
      return text(""); // the process has not written yet
    }
  }

  /** The part of a log that {@code tailLines} and {@code limitBytes} ask for. */
  static String select(String log, Map<String, String> query) {
    String out = log;
    String tail = query.get("tailLines");
    if (tail != null && !tail.isEmpty() && Long.parseLong(tail) >= 0) {
      String[] lines = out.split("(?<=\n)");
      int keep = (int) Math.min(lines.length, Long.parseLong(tail));
      out = log.isEmpty() ? "" : String.join("", Arrays.copyOfRange(lines, lines.length - keep, lines.length));
    }
    String limit = query.get("limitBytes");
    if (limit != null && !limit.isEmpty()) {
      byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
      int keep = (int) Math.min(bytes.length, Long.parseLong(limit));
      out = new String(bytes, 0, keep, StandardCharsets.UTF_8);
    }
    return out;
  }

  private static MockResponse text(String body) {
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody(body);
  }
}
