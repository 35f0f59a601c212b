package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One watch over plain HTTP, as kubectl and client-go make it ({@code GET ...?watch=true}, answered
 * with a chunked stream of {@code {"type":"ADDED","object":{...}}} lines), served from the mock
 * server's websocket watch on the same path.
 *
 * <p>Like a real API server it sends only what changed after the {@code resourceVersion} asked for
 * (the mock replays every object as ADDED when a watch opens), applies the field selector, turns
 * objects into one-row Tables when the client asks for {@code as=Table}, and ends the stream after
 * {@code timeoutSeconds} (or {@code timeout}), else after 30 minutes.
 */
final class HttpWatch {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LONGEST = Duration.ofMinutes(30);
  /** How often an idle stream is probed with a blank line (JSON decoders skip it) to notice a client gone. */
  private static final Duration PROBE = Duration.ofSeconds(2);
  private static final Object CLOSED = new Object();
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private final HttpClient http;
  private final URI backend;
  private final Clock clock;

  HttpWatch(HttpClient http, URI backend, Clock clock) {
    this.http = http;
    this.backend = backend;
    this.clock = clock;
  }

  /** Whether a GET with this raw query is a watch. */
  static boolean isWatch(String rawQuery) {
    Map<String, String> q = query(rawQuery);
    return "true".equals(q.get("watch")) || "1".equals(q.get("watch"));
  }

  /** Streams the watch to the exchange until the client leaves, the time is up or {@code stopped} says so. */
  void serve(HttpExchange exchange, BooleanSupplier stopped) throws IOException {
    URI request = exchange.getRequestURI();
    Map<String, String> query = query(request.getRawQuery());
    Optional<ApiResources.Target> target = ApiResources.parse(request.getPath());
    long since = parseLong(query.get("resourceVersion"));
    FieldSelector selector;
    try {
      selector = FieldSelector.parse(query.get("fieldSelector"));
    } catch (IllegalArgumentException e) {
      ApiProxy.send(exchange, 400, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":"
          + "\"BadRequest\",\"code\":400,\"message\":" + JSON.writeValueAsString(e.getMessage()) + "}");
      return;
    }
    boolean table = Tables.wanted(exchange.getRequestHeaders().getFirst("Accept"));
    boolean includeObject = "Object".equals(query.get("includeObject"));
    Duration limit = timeout(query);

    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    WebSocket socket;
    try {
      socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + backend.getAuthority()
          + storeWatchPath(request.getRawPath(), query)), new Collector(events)).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      ApiProxy.send(exchange, 503, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":"
          + "\"ServiceUnavailable\",\"code\":503,\"message\":\"the lab's store did not open the watch\"}");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
    exchange.sendResponseHeaders(200, 0);
    long deadline = System.nanoTime() + limit.toNanos();
    try (OutputStream out = exchange.getResponseBody()) {
      while (!stopped.getAsBoolean() && System.nanoTime() < deadline) {
        Object next = events.poll(Math.min(PROBE.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
            TimeUnit.MILLISECONDS);
        if (next == CLOSED) {
          break;
        }
        String line = next == null ? "" : event((String) next, since, selector, table, includeObject, target);
        if (line == null) {
          continue;
        }
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away: nothing more to send
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      socket.abort();
    }
  }

  /** The line to send for one websocket message, or null to skip it. */
  private String event(String message, long since, FieldSelector selector, boolean table, boolean includeObject,
      Optional<ApiResources.Target> target) throws IOException {
    JsonNode event = JSON.readTree(message);
    JsonNode object = event.path("object");
    String type = event.path("type").asText();
    if ("ADDED".equals(type) && since > 0 && parseLong(object.path("metadata").path("resourceVersion").asText())
        <= since) {
      return null; // part of the list the client already holds
    }
    if (!selector.matches(object)) {
      return null;
    }
    if ("DELETED".equals(type) && object instanceof ObjectNode o && o.path("metadata") instanceof ObjectNode meta
        && meta.path("deletionTimestamp").asText("").isEmpty()) {
      // A real store's last state of a deleted object carries its deletion time (kubectl shows Terminating).
      meta.put("deletionTimestamp", clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      meta.put("deletionGracePeriodSeconds", 0);
    }
    if (table && target.isPresent()) {
      Optional<ObjectNode> rows = Tables.ofObject(target.get().resource().kind(), object, includeObject,
          clock.instant());
      if (rows.isPresent()) {
        ObjectNode wrapped = JSON.createObjectNode();
        wrapped.put("type", type);
        wrapped.set("object", rows.get());
        return wrapped.toString();
      }
    }
    return JSON.writeValueAsString(event);
  }

  /**
   * The store's websocket watch for the same objects. Only a {@code metadata.name} selector goes
   * along (the store matches that one right); every other term is applied here, to each event.
   */
  static String storeWatchPath(String rawPath, Map<String, String> query) {
    StringBuilder q = new StringBuilder("watch=true");
    String name = null;
    for (String term : query.getOrDefault("fieldSelector", "").split(",")) {
      if (term.startsWith("metadata.name=")) {
        name = term.substring("metadata.name=".length()).replaceFirst("^=", "");
      }
    }
    if (name != null) {
      q.append("&fieldSelector=").append(URLEncoder.encode("metadata.name=" + name, StandardCharsets.UTF_8));
    }
    if (query.containsKey("labelSelector")) {
      q.append("&labelSelector=").append(URLEncoder.encode(query.get("labelSelector"), StandardCharsets.UTF_8));
    }
    return rawPath + "?" + q;
  }

  private static Duration timeout(Map<String, String> query) {
    long seconds = parseLong(query.get("timeoutSeconds"));
    if (seconds > 0) {
      return Duration.ofSeconds(seconds);
    }
    String go = query.get("timeout");
    if (go != null) {
      Matcher m = GO_DURATION.matcher(go);
      double millis = 0;
      while (m.find()) {
        double n = Double.parseDouble(m.group(1));
        millis += switch (m.group(2)) {
          case "h" -> n * 3_600_000;
          case "m" -> n * 60_000;
          case "s" -> n * 1000;
          default -> n;
        };
      }
      if (millis > 0) {
        return Duration.ofMillis((long) millis);
      }
    }
    return LONGEST;
  }

  private static long parseLong(String s) {
    try {
      return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Gathers whole text messages of the mock's watch socket into a queue; its end as {@link #CLOSED}. */
  private static final class Collector implements WebSocket.Listener {
    private final BlockingQueue<Object> events;
    private final StringBuilder partial = new StringBuilder();

    Collector(BlockingQueue<Object> events) {
      this.events = events;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        events.add(partial.toString());
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      events.add(CLOSED);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      events.add(CLOSED);
    }
  }
}
