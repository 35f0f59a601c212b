package run.tokenlabs.chaos.load;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import okhttp3.HttpUrl;
import run.tokenlabs.chaos.load.api.Endpoint;

/**
 * Sends requests and reads their streams on event loops: each loop is one thread with one selector
 * that carries many connections, reads whichever socket has bytes, and times every event it parses
 * at the return of the read that delivered it. A thread per stream (OkHttp) costs a wake-up and a
 * context switch per token; at hundreds of paced streams that was the client's CPU, and its timing
 * error came from the run queue it made (see the module's README). A closed-loop session's next
 * request starts on the loop that concluded its previous one, at once, with no hand-off to another
 * thread.
 *
 * <p>Plain HTTP/1.1 only ({@code http://}): TLS and proxies stay on OkHttp's path. One connection per
 * request in flight, kept for reuse when a response ends cleanly, idle ones closed after the same
 * keep-alive OkHttp is given, and checked before reuse; a failed connection is never retried. A count of
 * the output's tokens through the server's tokenizer and the endpoint's DNS lookups are blocking calls,
 * made off the loops ({@link ResolvedAddress}).
 */
final class EventLoopTransport implements Transport {
  /** The system property naming the transport: {@code eventloop} (the default for plain HTTP) or {@code okhttp}. */
  static final String TRANSPORT = "tokenlabs.load.transport";
  /** The system property that sets the number of event loops (default: one per CPU the JVM may use, at most 4). */
  static final String LOOPS = "tokenlabs.load.eventLoops";

  private final EventLoop[] loops;
  private final AtomicInteger nextLoop = new AtomicInteger();
  /** The tokenizer's counts (blocking calls) and DNS refreshes: the loops' threads never wait on either. */
  private final ExecutorService helpers;
  /** DNS refreshes on a thread of their own, never queued behind the tokenizer's counts. */
  private final ExecutorService dns;

  EventLoopTransport(Endpoint endpoint, LongSupplier clock, StreamSettings settings, Finisher finisher,
      Consumer<String> runErrors, int loopCount) {
    HttpUrl url = HttpUrl.get(endpoint.baseUrl() + endpoint.api().path());
    String target = url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery());
    String hostHeader = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
    if (url.port() != HttpUrl.defaultPort(url.scheme())) {
      hostHeader += ":" + url.port();
    }
    var head = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\nHost: ").append(hostHeader)
        .append("\r\nAccept: text/event-stream\r\nUser-Agent: tokenlabs-chaos-load\r\n");
    endpoint.bearerToken().ifPresent(t -> head.append("Authorization: Bearer ").append(t.reveal()).append("\r\n"));
    this.helpers = Executors.newFixedThreadPool(HELPER_THREADS, r -> daemon(r, "load-helper"));
    this.dns = Executors.newSingleThreadExecutor(r -> daemon(r, "load-dns"));
    var request = new RequestHead(head.toString().getBytes(StandardCharsets.ISO_8859_1), url.host(), url.port());
    this.loops = new EventLoop[loopCount];
    try {
      var address = new ResolvedAddress(url.host(), url.port(), dns, clock);
      for (int i = 0; i < loopCount; i++) {
        loops[i] = new EventLoop("load-event-loop-" + i, request, address, clock, settings, finisher, runErrors, helpers);
      }
    } catch (RuntimeException e) {
      close(); // the loops started so far
      throw e;
    }
  }

  /** Threads for the blocking work of the loops; counts beyond them wait their turn, off the loops. */
  private static final int HELPER_THREADS = 16;

  /** True when {@code url} can go over the event loops: plain HTTP, and no one asked for OkHttp. */
  static boolean serves(java.net.URI baseUrl) {
    String choice = System.getProperty(TRANSPORT, "eventloop");
    if (!choice.equals("eventloop") && !choice.equals("okhttp")) {
      throw new IllegalArgumentException("-D" + TRANSPORT + "=" + choice + " is not a transport: use eventloop"
          + " (the default for http:// endpoints) or okhttp");
    }
    return choice.equals("eventloop") && "http".equalsIgnoreCase(baseUrl.getScheme())
        && !Boolean.getBoolean(HttpClients.VIRTUAL_THREADS) && direct(baseUrl);
  }

  /** True unless the JVM is configured to reach {@code url} through a proxy, which only OkHttp's path honours. */
  private static boolean direct(java.net.URI url) {
    java.net.ProxySelector selector = java.net.ProxySelector.getDefault();
    return selector == null
        || selector.select(url).stream().allMatch(p -> p.type() == java.net.Proxy.Type.DIRECT);
  }

  /** One loop per CPU this JVM may use, at most 4 and at most one per 16 requests in flight; or {@value #LOOPS}. */
  static int loopCount(int maxInFlight) {
    String value = System.getProperty(LOOPS);
    if (value != null) {
      int set;
      try {
        set = Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("-D" + LOOPS + "=" + value + " is not a number: give how many event loops"
            + " the load runs (1 or more), or drop the property for one per CPU", e);
      }
      if (set < 1) {
        throw new IllegalArgumentException("-D" + LOOPS + "=" + set + ": a load needs at least one event loop");
      }
      return set;
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    return Math.max(1, Math.min(Math.min(cpus, 4), (maxInFlight + 15) / 16));
  }

  @Override
  public void send(Exchange ex, SlicedBody body) {
    EventLoop here = EventLoop.current();
    if (here != null && owns(here)) {
      here.startFromLoop(ex, body); // a session's next request stays on the loop that concluded its last one
      return;
    }
    loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)].submit(ex, body);
  }

  private boolean owns(EventLoop loop) {
    for (EventLoop l : loops) {
      if (l == loop) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean accepting() {
    for (EventLoop l : loops) {
      if (l == null || l.stopped()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int queued() {
    int n = 0;
    for (EventLoop l : loops) {
      n += l.queued();
    }
    return n;
  }

  @Override
  public String queueState() {
    return "event loops: " + loops.length + ", " + queued() + " requests not yet taken";
  }

  @Override
  public void close() {
    for (EventLoop l : loops) {
      if (l != null) {
        l.close();
      }
    }
    helpers.shutdownNow();
    dns.shutdownNow();
    try {
      helpers.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS); // a count in progress books its request first
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    var t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The bytes every request starts with (request line, host, accept, authorization), and where to connect. */
  record RequestHead(byte[] common, String host, int port) {}

  /** What reading a stream needs beside the bytes: usage asked for, the per-event bound, the tokenizer. */
  record StreamSettings(boolean usageRequested, long maxEventBytes, Optional<OutputTokenizer> tokenizer) {}
}
