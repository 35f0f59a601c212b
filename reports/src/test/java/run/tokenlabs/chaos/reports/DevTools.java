package run.tokenlabs.chaos.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One page of a {@link Chromium}, driven over the Chrome DevTools protocol on a WebSocket (the JDK's
 * {@code java.net.http}): navigate, evaluate, take a screenshot, and collect every console error,
 * uncaught exception and failed load the page reports ({@link #errors()}).
 */
final class DevTools implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();
  private volatile String sessionId;

  private DevTools(URI browser) {
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
        .buildAsync(browser, new Listener(this::onMessage)).join();
  }

  static DevTools openPage(URI browser) {
    DevTools devTools = new DevTools(browser);
    String target = devTools.send("Target.createTarget", JSON.createObjectNode().put("url", "about:blank"))
        .path("targetId").asText();
    devTools.sessionId = devTools.send("Target.attachToTarget", JSON.createObjectNode().put("targetId", target)
        .put("flatten", true)).path("sessionId").asText();
    devTools.send("Runtime.enable", JSON.createObjectNode());
    devTools.send("Log.enable", JSON.createObjectNode());
    devTools.send("Page.enable", JSON.createObjectNode());
    return devTools;
  }

  /**
   * Loads {@code url} in a window of the given size and waits (at most 30 s) for its load event; a URL that
   * differs in its fragment only (a single-page app's route) is shown without a load.
   */
  void navigate(String url, int width, int height) {
    send("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
        .put("deviceScaleFactor", 1).put("mobile", false));
    loaded = new CompletableFuture<>();
    JsonNode result = send("Page.navigate", JSON.createObjectNode().put("url", url));
    if (result.hasNonNull("errorText")) {
      throw new AssertionError("Chromium could not load " + url + ": " + result.get("errorText").asText());
    }
    if (result.hasNonNull("loaderId")) { // a change of the fragment only loads nothing: no load event comes
      await(loaded, "the load event of " + url);
    }
  }

  /** The value of a JavaScript expression (promises awaited), as JSON. */
  JsonNode evaluate(String expression) {
    JsonNode result = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new AssertionError("The page threw evaluating " + expression + ": " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** A PNG of the page as it is shown now. */
  byte[] screenshot() {
    return Base64.getDecoder().decode(send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"))
        .path("data").asText());
  }

  /** Console errors, uncaught exceptions and failed loads, in the order the page reported them. */
  List<String> errors() {
    return List.copyOf(errors);
  }

  private JsonNode send(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    if (sessionId != null && !method.startsWith("Target.")) {
      message.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText(message.toString(), true).join();
    JsonNode reply = await(answer, method);
    if (reply.has("error")) {
      throw new AssertionError("DevTools refused " + method + " " + params + ": " + reply.get("error"));
    }
    return reply.path("result");
  }

  private static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("Chromium did not answer " + what + " within " + COMMAND_TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new AssertionError("Chromium failed on " + what + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  private void onMessage(String text) {
    JsonNode message;
    try {
      message = JSON.readTree(text);
    } catch (Exception e) {
      errors.add("unreadable DevTools message: " + e.getMessage());
      return;
    }
    if (message.has("id")) {
      CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
      if (answer != null) {
        answer.complete(message);
      }
      return;
    }
    JsonNode params = message.path("params");
    switch (message.path("method").asText()) {
      case "Page.loadEventFired" -> loaded.complete(null);
      case "Runtime.consoleAPICalled" -> {
        String type = params.path("type").asText();
        if (type.equals("error") || type.equals("assert")) {
          StringBuilder line = new StringBuilder("console." + type + ":");
          params.path("args").forEach(a -> line.append(' ').append(a.has("value") ? a.get("value").asText()
              : a.path("description").asText()));
          errors.add(line.toString());
        }
      }
      case "Runtime.exceptionThrown" -> {
        JsonNode details = params.path("exceptionDetails");
        errors.add("uncaught: " + details.path("exception").path("description").asText(details.path("text").asText()));
      }
      case "Log.entryAdded" -> {
        JsonNode entry = params.path("entry");
        if (entry.path("level").asText().equals("error")) {
          errors.add("log: " + entry.path("text").asText() + " " + entry.path("url").asText());
        }
      }
      default -> { }
    }
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
  }

  /** Reassembles fragmented text messages (a screenshot comes in many parts) and hands each whole one on. */
  private static final class Listener implements WebSocket.Listener {
    private final Consumer<String> onMessage;
    private final StringBuilder partial = new StringBuilder();

    Listener(Consumer<String> onMessage) {
      this.onMessage = onMessage;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String whole = partial.toString();
        partial.setLength(0);
        onMessage.accept(whole);
      }
      webSocket.request(1);
      return null;
    }
  }
}
