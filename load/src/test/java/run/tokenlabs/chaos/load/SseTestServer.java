package run.tokenlabs.chaos.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A small, realistic OpenAI-compatible streaming server for tests and the benchmark: plain sockets on
 * 127.0.0.1, HTTP/1.1 keep-alive, chunked SSE written token by token at a set pace, usage chunk and
 * {@code [DONE]}, {@code POST /tokenize} counting whitespace-separated words, and faults (abrupt cut,
 * no [DONE], no usage, wrong usage, early {@code length}, HTTP errors, slow headers, stalls, a JSON
 * body instead of SSE). It records when it sent each request's first token, on the same
 * {@code System.nanoTime()} clock as the client, so client overhead can be measured.
 *
 * <p>{@link #streaming(RawStream)} makes a hostile server instead: every completion is a 200 event
 * stream whose body is whatever the given writer sends, for as long as it likes.
 */
final class SseTestServer implements AutoCloseable {

  /** Writes the body of a hostile stream, as raw SSE text; an IOException means the client went away. */
  interface RawStream {
    void write(RawSink sink) throws IOException;
  }

  /** Sends SSE text as one HTTP chunk, flushed. */
  interface RawSink {
    void send(String text) throws IOException;
  }

  /** What the server does with one completion request. */
  record Behaviour(int status, Duration headersDelay, int reasoningTokens, int tokens, Duration tokenInterval,
      String finishReason, int usageDelta, boolean sendUsage, boolean sendDone, int cutAfterTokens,
      int stallAfterTokens, boolean notSse, boolean keepAliveComments) {

    static Behaviour normal() {
      return new Behaviour(200, Duration.ZERO, 0, -1, Duration.ZERO, null, 0, true, true, -1, -1, false, false);
    }

    Behaviour status(int code) {
      return new Behaviour(code, headersDelay, reasoningTokens, tokens, tokenInterval, finishReason, usageDelta,
          sendUsage, sendDone, cutAfterTokens, stallAfterTokens, notSse, keepAliveComments);
    }

    Behaviour headersDelay(Duration d) {
      return new Behaviour(status, d, reasoningTokens, tokens, tokenInterval, finishReason, usageDelta,
          sendUsage, sendDone, cutAfterTokens, stallAfterTokens, notSse, keepAliveComments);
    }

    Behaviour reasoning(int n) {
      return new Behaviour(status, headersDelay, n, tokens, tokenInterval, finishReason, usageDelta,
          sendUsage, sendDone, cutAfterTokens, stallAfterTokens, notSse, keepAliveComments);
    }

    Behaviour tokens(int n, Duration interval) {
      return new Behaviour(status, headersDelay, reasoningTokens, n, interval, finishReason, usageDelta,
          sendUsage, sendDone, cutAfterTokens, stallAfterTokens, notSse, keepAliveComments);
    }

    Behaviour finish(String reason) {
      return new Behaviour(status, headersDelay, reasoningTokens, tokens, tokenInterval, reason, usageDelta,
          sendUsage, sendDone, cutAfterTokens, stallAfterTokens, notSse, keepAliveComments);
    }

    Behaviour usageDelta(int delta) {
      return new Behaviour(status, headersDelay, reasoningTokens, tokens, tokenInterval, finishReason, delta,
          sendUsage, sendDone, cutAfterTokens, stallAfterTokens, notSse, keepAliveComments);
    }

    Behaviour noUsage() {
      return new Behaviour(status, headersDelay, reasoningTokens, tokens, tokenInterval, finishReason, usageDelta,
          false, sendDone, cutAfterTokens, stallAfterTokens, notSse, keepAliveComments);
    }

    Behaviour noDone() {
      return new Behaviour(status, headersDelay, reasoningTokens, tokens, tokenInterval, finishReason, usageDelta,
          sendUsage, false, cutAfterTokens, stallAfterTokens, notSse, keepAliveComments);
    }

    Behaviour cutAfter(int n) {
      return new Behaviour(status, headersDelay, reasoningTokens, tokens, tokenInterval, finishReason, usageDelta,
          sendUsage, sendDone, n, stallAfterTokens, notSse, keepAliveComments);
    }

    Behaviour stallAfter(int n) {
      return new Behaviour(status, headersDelay, reasoningTokens, tokens, tokenInterval, finishReason, usageDelta,
          sendUsage, sendDone, cutAfterTokens, n, notSse, keepAliveComments);
    }

    Behaviour asJsonNotSse() {
      return new Behaviour(status, headersDelay, reasoningTokens, tokens, tokenInterval, finishReason, usageDelta,
          sendUsage, sendDone, cutAfterTokens, stallAfterTokens, true, keepAliveComments);
    }

    Behaviour withKeepAliveComments() {
      return new Behaviour(status, headersDelay, reasoningTokens, tokens, tokenInterval, finishReason, usageDelta,
          sendUsage, sendDone, cutAfterTokens, stallAfterTokens, notSse, true);
    }
  }

  /** What the server read of a completion request. */
  record Seen(String path, long requestNumber, int maxTokens, boolean stream, int promptWords, int bodyBytes) {}

  private final ServerSocket socket;
  private final Function<Seen, Behaviour> script;
  private final boolean tokenize;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final Map<Long, Long> firstTokenSentNanos = new ConcurrentHashMap<>();
  /** Off for a soak: the map above grows by one entry per request and would be counted as the client's heap. */
  private volatile boolean keepFirstTokenTimes = true;
  private final AtomicInteger completions = new AtomicInteger();
  private final AtomicInteger tokenizeCalls = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  private final AtomicInteger concurrent = new AtomicInteger();
  private final AtomicInteger connectionCount = new AtomicInteger();
  private final RawStream raw;
  private final AtomicInteger rawStreamsFinished = new AtomicInteger();
  private volatile java.util.function.Consumer<byte[]> bodySink = body -> { };

  private SseTestServer(Function<Seen, Behaviour> script, boolean tokenize, RawStream raw) throws IOException {
    this.socket = new ServerSocket(0, 1024, InetAddress.getByName("127.0.0.1"));
    this.script = script;
    this.tokenize = tokenize;
    this.raw = raw;
    var acceptor = new Thread(this::acceptLoop, "sse-test-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static SseTestServer start(Function<Seen, Behaviour> script) throws IOException {
    return new SseTestServer(script, true, null);
  }

  static SseTestServer startWithoutTokenize(Function<Seen, Behaviour> script) throws IOException {
    return new SseTestServer(script, false, null);
  }

  /** A server that answers every completion with a 200 event stream written by {@code body}. */
  static SseTestServer streaming(RawStream body) throws IOException {
    return new SseTestServer(seen -> Behaviour.normal(), true, body);
  }

  /** Hands every completion request's body to {@code sink} as it arrives (tests of what the client sends). */
  SseTestServer recordingBodies(java.util.function.Consumer<byte[]> sink) {
    this.bodySink = sink;
    return this;
  }

  /** How many hostile streams the server wrote to their end (the client read them whole). */
  int rawStreamsFinished() {
    return rawStreamsFinished.get();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Stops keeping each request's first-token time, so that the server's own heap stays flat over a long run. */
  SseTestServer forgettingFirstTokenTimes() {
    keepFirstTokenTimes = false;
    return this;
  }

  int completions() {
    return completions.get();
  }

  int tokenizeCalls() {
    return tokenizeCalls.get();
  }

  /** The most completion requests the server was handling at once. */
  int maxConcurrent() {
    return maxConcurrent.get();
  }

  int connectionsAccepted() {
    return connectionCount.get();
  }

  /** When the server flushed the first token of request {@code n} ({@code System.nanoTime()}). */
  Map<Long, Long> firstTokenSentNanos() {
    return firstTokenSentNanos;
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    socket.close();
    for (Socket s : connections) {
      s.close();
    }
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        s.setTcpNoDelay(true);
        connections.add(s);
        connectionCount.incrementAndGet();
        var t = new Thread(() -> serve(s), "sse-test-server-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16384);
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        int length = 0;
        for (String line : lines) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        byte[] body = in.readNBytes(length);
        if (!respond(requestLine[1], body, out)) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away: nothing to do
    } finally {
      connections.remove(s);
    }
  }

  /** Returns false when the connection must end (abrupt cut). */
  private boolean respond(String path, byte[] body, OutputStream out) throws IOException {
    if (path.equals("/tokenize")) {
      tokenizeCalls.incrementAndGet();
      if (!tokenize) {
        writeFixed(out, 404, "application/json", "{\"detail\":\"Not Found\"}");
        return true;
      }
      String text = new String(body, StandardCharsets.UTF_8);
      int words = countWords(text, text.indexOf("\"prompt\":\"") >= 0 ? "\"prompt\":\"" : "\"content\":\"");
      int count = text.contains("\"messages\"") ? words + 7 : words;
      writeFixed(out, 200, "application/json", "{\"count\":" + count + ",\"max_model_len\":131072,\"tokens\":[]}");
      return true;
    }
    var seen = parse(path, body);
    bodySink.accept(body);
    completions.incrementAndGet();
    int now = concurrent.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    try {
      return stream(seen, script.apply(seen), out);
    } finally {
      concurrent.decrementAndGet();
    }
  }

  private boolean stream(Seen seen, Behaviour b, OutputStream out) throws IOException {
    if (raw != null) {
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      raw.write(text -> chunk(out, text));
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      rawStreamsFinished.incrementAndGet();
      return true;
    }
    if (!b.headersDelay().isZero()) {
      LockSupport.parkNanos(b.headersDelay().toNanos());
    }
    if (b.status() != 200) {
      writeFixed(out, b.status(), "application/json",
          "{\"object\":\"error\",\"message\":\"simulated " + b.status() + "\",\"type\":\"Error\",\"code\":" + b.status() + "}");
      return true;
    }
    int tokens = b.tokens() < 0 ? seen.maxTokens() : b.tokens();
    boolean chat = seen.path().contains("chat");
    if (!seen.stream()) {
      writeFixed(out, 200, "application/json", "{\"id\":\"cmpl-" + seen.requestNumber() + "\",\"object\":\"text_completion\","
          + "\"choices\":[{\"index\":0,\"text\":\"" + " tok".repeat(tokens) + "\",\"finish_reason\":\"length\"}],"
          + "\"usage\":{\"prompt_tokens\":" + seen.promptWords() + ",\"completion_tokens\":" + tokens + ",\"total_tokens\":"
          + (seen.promptWords() + tokens) + "}}");
      return true;
    }
    if (b.notSse()) {
      writeFixed(out, 200, "application/json", "{\"id\":\"cmpl-1\",\"choices\":[{\"text\":\"not a stream\"}]}");
      return true;
    }
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
        + "Cache-Control: no-cache\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String id = "cmpl-" + seen.requestNumber();
    long start = System.nanoTime();
    long interval = b.tokenInterval().toNanos();
    if (chat) {
      chunk(out, "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
    }
    int total = b.reasoningTokens() + tokens;
    for (int i = 0; i < total; i++) {
      if (i == b.cutAfterTokens()) {
        out.flush();
        return false;
      }
      if (i == b.stallAfterTokens()) {
        out.flush();
        awaitClose(Duration.ofSeconds(30));
        return false;
      }
      if (interval > 0) {
        long due = start + (i + 1) * interval;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      boolean last = i == total - 1;
      String finish = last ? quoted(finishReason(b, tokens, seen.maxTokens())) : "null";
      String text = i < b.reasoningTokens() ? "think" : "tok";
      String choice = chat
          ? "{\"index\":0,\"delta\":{\"" + (i < b.reasoningTokens() ? "reasoning_content" : "content") + "\":\" " + text
              + "\"},\"logprobs\":null,\"finish_reason\":" + finish + "}"
          : "{\"index\":0,\"text\":\" " + text + "\",\"logprobs\":null,\"finish_reason\":" + finish + "}";
      chunk(out, "data: {\"id\":\"" + id + "\",\"object\":\"" + (chat ? "chat.completion.chunk" : "text_completion")
          + "\",\"created\":1700000000,\"model\":\"m\",\"choices\":[" + choice + "]}\n\n");
      if (i == 0 && keepFirstTokenTimes) {
        firstTokenSentNanos.put(seen.requestNumber(), System.nanoTime());
      }
      if (b.keepAliveComments()) {
        chunk(out, ": keep-alive\n\n");
      }
    }
    if (b.sendUsage()) {
      int completion = total + b.usageDelta();
      chunk(out, "data: {\"id\":\"" + id + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + seen.promptWords()
          + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (seen.promptWords() + completion) + "}}\n\n");
    }
    if (b.sendDone()) {
      chunk(out, "data: [DONE]\n\n");
    }
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return true;
  }

  private static String finishReason(Behaviour b, int tokens, int maxTokens) {
    if (b.finishReason() != null) {
      return b.finishReason().equals("none") ? null : b.finishReason();
    }
    return tokens >= maxTokens ? "length" : "stop";
  }

  private static String quoted(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }

  private void awaitClose(Duration max) {
    try {
      closed.await(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void chunk(OutputStream out, String data) throws IOException {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void writeFixed(OutputStream out, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Error") + "\r\nContent-Type: " + type
        + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    var head = new ByteArrayOutputStream(512);
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      head.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
          : (c == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static Seen parse(String path, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    int maxTokens = intAfter(text, "\"max_tokens\":", 16);
    int req = text.indexOf("Request ");
    long number = req < 0 ? -1 : Long.parseLong(text.substring(req + 8, req + 16));
    boolean stream = text.contains("\"stream\":true");
    int words = countWords(text, text.contains("\"prompt\":\"") ? "\"prompt\":\"" : "\"content\":\"");
    return new Seen(path, number, maxTokens, stream, words, body.length);
  }

  private static int intAfter(String text, String key, int fallback) {
    int i = text.indexOf(key);
    if (i < 0) {
      return fallback;
    }
    int j = i + key.length();
    int end = j;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    return Integer.parseInt(text.substring(j, end));
  }

  /** Words of the JSON string that starts after {@code key}: the server's "tokenizer". */
  private static int countWords(String text, String key) {
    int i = text.indexOf(key);
    if (i < 0) {
      return 0;
    }
    int start = i + key.length();
    int end = text.indexOf('"', start);
    int words = 0;
    boolean inWord = false;
    for (int k = start; k < end; k++) {
      boolean space = text.charAt(k) == ' ';
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  }
}
