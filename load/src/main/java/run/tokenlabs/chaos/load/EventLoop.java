package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import run.tokenlabs.chaos.load.EventLoopTransport.RequestHead;
import run.tokenlabs.chaos.load.EventLoopTransport.StreamSettings;
import run.tokenlabs.chaos.load.Exchange.Verdict;
import run.tokenlabs.chaos.load.Transport.Finisher;
import run.tokenlabs.chaos.load.api.Outcome;

/**
 * One thread, one selector, many connections (see {@link EventLoopTransport}). Everything a connection
 * holds is touched by this thread only; other threads hand it work through {@link #submit} and
 * {@link Exchange#cancel}, which queue a task and wake the selector.
 */
final class EventLoop implements Runnable {
  /** How long an idle connection is kept: under uvicorn's (vLLM's server) 5 s keep-alive, as OkHttp's pool here. */
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(4);
  private static final long MAX_SELECT_MILLIS = 250;
  /**
   * While it parses, the loop looks for newly arrived bytes this often: a burst of streams (paced tokens
   * of many sessions fall due together) takes a millisecond or more to parse, and a first token arriving
   * meanwhile must be timed when it arrived, not when the burst is done.
   */
  private static final long REREAD_NANOS = 100_000;
  private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

  private final RequestHead head;
  private final LongSupplier clock;
  private final StreamSettings settings;
  private final Finisher finisher;
  private final Consumer<String> runErrors;
  private final ExecutorService helpers;
  private final ResolvedAddress address;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingStarts = new AtomicInteger();
  private final ArrayDeque<LoopConnection> idle = new ArrayDeque<>();
  private final PriorityQueue<LoopConnection> paused = new PriorityQueue<>((a, b) -> Long.compare(a.resumeAt, b.resumeAt));
  private final ArrayList<LoopConnection> all = new ArrayList<>();
  /** Connections read in this turn whose bytes are not parsed yet. */
  private final ArrayList<LoopConnection> read = new ArrayList<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final ByteBuffer probe = ByteBuffer.allocateDirect(1);
  private volatile boolean closed;
  /** Set under {@link #exitLock} when the loop has stopped taking tasks: a task added later would never run. */
  private boolean exited;
  private final Object exitLock = new Object();
  /** True while a request is being started: a start asked for meanwhile (a failure's next request) is queued, not nested. */
  private boolean starting;
  /** True during a look for new bytes in the middle of parsing ({@link #REREAD_NANOS}). */
  private boolean rereading;

  EventLoop(String name, RequestHead head, ResolvedAddress address, LongSupplier clock, StreamSettings settings,
      Finisher finisher, Consumer<String> runErrors, ExecutorService helpers) {
    this.head = head;
    this.clock = clock;
    this.settings = settings;
    this.finisher = finisher;
    this.runErrors = runErrors;
    this.helpers = helpers;
    this.address = address;
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new IllegalStateException("could not open a selector for the load's event loop: " + e, e);
    }
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** The loop whose thread this is, or null. */
  static EventLoop current() {
    return CURRENT.get();
  }

  /**
   * From another thread: the request starts on this loop's next turn. Until then it waits in the client's
   * queue, where the run's reaper may refuse it at its dispatch limit, as it refuses a call that waits in
   * OkHttp's queue.
   */
  void submit(Exchange ex, SlicedBody body) {
    ex.waitedInDispatcher = true;
    pendingStarts.incrementAndGet();
    boolean queued = execute(() -> {
      pendingStarts.decrementAndGet();
      startNow(ex, body);
    });
    if (!queued) {
      pendingStarts.decrementAndGet();
      refuseClosed(ex);
    }
  }

  /** On this loop's thread: starts at once, or after the start in progress when one is (no nesting). */
  void startFromLoop(Exchange ex, SlicedBody body) {
    if (starting) {
      tasks.add(() -> startNow(ex, body));
    } else {
      startNow(ex, body);
    }
  }

  /** True once this loop takes no more requests (it was closed, or failed). */
  boolean stopped() {
    return closed;
  }

  int queued() {
    return pendingStarts.get();
  }

  /** Queues a task for the loop's thread; false when the loop has stopped and the task will never run. */
  private boolean execute(Runnable task) {
    synchronized (exitLock) {
      if (exited) {
        return false;
      }
      tasks.add(task);
    }
    selector.wakeup();
    return true;
  }

  private void refuseClosed(Exchange ex) {
    finish(ex, Verdict.of(Outcome.REJECTED, "ClientClosed", "the load's event loop had stopped before this request"
        + " was sent (see the run's errors)"));
  }

  /** On this loop's thread: takes a connection (pooled, or a new one) and starts writing the request. */
  private void startNow(Exchange ex, SlicedBody body) {
    if (closed) {
      refuseClosed(ex);
      return;
    }
    starting = true;
    LoopConnection c = null;
    try {
      // the canceller first: a cancel from now on runs after this start, and finds the request's connection
      ex.canceller = () -> execute(() -> cancelled(ex));
      long now = clock.getAsLong();
      if (!ex.markSent(now)) {
        return; // refused while it waited in the queue, or concluded by the run's hard stop
      }
      if (ex.timedOutByReaper || now >= ex.deadlineNanos) {
        finish(ex, Verdict.of(Outcome.REJECTED, "ClientQueueTimeout", "request timeout reached before the event loop"
            + " could send it (" + (now - ex.intendedNanos) / 1_000_000 + " ms after its intended start)"));
        return;
      }
      c = pooledConnection();
      if (c == null) {
        c = open();
      }
      c.begin(ex, body, head.common(), requestTail(body));
      ex.carrier = c;
      if (c.connected) {
        write(c);
      }
    } catch (IOException e) {
      finish(ex, Classifier.afterCallFailure(ex, e));
    } catch (RuntimeException e) {
      if (c != null) {
        close(c); // taken for this request, begun or not
      }
      runErrors.accept("Request " + ex.id + ": the client failed starting it: " + e);
      finish(ex, Verdict.of(Outcome.MALFORMED, e.getClass().getSimpleName(), "client failure: " + e.getMessage()));
    } finally {
      starting = false;
    }
  }

  /** The request's own header lines; the lines every request shares are written from one array. */
  private static byte[] requestTail(SlicedBody body) {
    return ("Content-Type: " + body.contentType() + "\r\nContent-Length: " + body.contentLength() + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * The most recently idled connection that is still open. A server may close an idle connection at any time,
   * and its close may not have been seen by a select yet: a read that finds the end (or stray bytes) retires
   * the connection here, as OkHttp's health check of a pooled connection does.
   */
  private LoopConnection pooledConnection() {
    LoopConnection c;
    while ((c = idle.pollLast()) != null) {
      if (stillOpen(c)) {
        return c;
      }
    }
    return null;
  }

  private boolean stillOpen(LoopConnection c) {
    try {
      probe.clear();
      if (c.channel.isOpen() && c.channel.read(probe) == 0) {
        return true;
      }
    } catch (IOException e) {
      // reset by the server: retired below
    }
    close(c);
    return false;
  }

  private LoopConnection open() throws IOException {
    InetSocketAddress to = address.current();
    SocketChannel channel = SocketChannel.open();
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      var c = new LoopConnection(channel, head.host() + ":" + head.port());
      c.connected = channel.connect(to);
      c.key = channel.register(selector, c.connected ? 0 : SelectionKey.OP_CONNECT, c);
      all.add(c);
      return c;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public void run() {
    CURRENT.set(this);
    try {
      while (!closed) {
        if (tasks.isEmpty()) {
          selector.select(this::ready, selectTimeoutMillis());
        } else {
          selector.selectNow(this::ready);
        }
        parseWhatWasRead();
        runTasks();
        resumeDue();
        closeExpiredIdle();
      }
    } catch (IOException | RuntimeException | Error e) {
      runErrors.accept(thread.getName() + " failed and stopped: " + e + "; its requests end as client failures");
      closed = true;
    } finally {
      shutDown();
    }
  }

  private long selectTimeoutMillis() {
    LoopConnection next = paused.peek();
    if (next == null) {
      return MAX_SELECT_MILLIS;
    }
    long nanos = next.resumeAt - clock.getAsLong();
    // select's timeout is in milliseconds, and 0 means forever: round up, at least 1
    return Math.max(1, Math.min(MAX_SELECT_MILLIS, (nanos + 999_999) / 1_000_000));
  }

  /** Runs the tasks queued so far; those they queue wait for the next turn, so a chain of failures cannot starve the sockets. */
  private void runTasks() {
    Runnable task;
    for (int n = tasks.size(); n > 0 && (task = tasks.poll()) != null; n--) {
      try {
        task.run();
      } catch (RuntimeException e) {
        runErrors.accept(thread.getName() + ": a task failed: " + e);
      }
    }
  }

  private void ready(SelectionKey key) {
    LoopConnection c = (LoopConnection) key.attachment();
    if (rereading && c.toParse) {
      return;
    }
    Exchange ex = c.ex;
    try {
      if (!key.isValid()) {
        return;
      }
      if (key.isConnectable()) {
        connected(c);
      }
      if (key.isValid() && key.isWritable()) {
        write(c);
      }
      if (key.isValid() && key.isReadable()) {
        read(c);
      }
    } catch (RuntimeException e) {
      clientFailure(c, ex, e);
    }
  }

  private void connected(LoopConnection c) {
    try {
      if (!c.channel.finishConnect()) {
        return; // not yet: the key stays interested in the connect
      }
      c.connected = true;
      write(c);
    } catch (IOException e) {
      fail(c, e);
    }
  }

  private void write(LoopConnection c) {
    try {
      if (c.writeMore()) {
        c.key.interestOps(c.paused ? 0 : SelectionKey.OP_READ);
      } else {
        c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      }
    } catch (IOException e) {
      fail(c, e);
    }
  }

  /**
   * Reads what the socket has and notes when the read returned; parsing waits until every ready socket of
   * this turn has been read, so a burst of streams is timed by its reads, not by the parsing in between.
   */
  private void read(LoopConnection c) {
    int n;
    try {
      readBuffer.clear();
      n = c.channel.read(readBuffer);
    } catch (IOException e) {
      fail(c, e);
      return;
    }
    long at = clock.getAsLong();
    if (c.ex == null) {
      close(c); // an idle connection that speaks (or closes) is not reused
      return;
    }
    if (n < 0) {
      c.eof = true;
    } else if (n > 0) {
      readBuffer.flip();
      try {
        c.raw.write(readBuffer);
      } catch (IOException e) {
        throw new IllegalStateException(e); // an in-memory buffer does not fail
      }
    }
    c.lastReadNanos = at;
    if (!c.toParse) {
      c.toParse = true;
      read.add(c);
    }
  }

  private void parseWhatWasRead() throws IOException {
    long reread = clock.getAsLong() + REREAD_NANOS;
    for (int i = 0; i < read.size(); i++) {
      if (clock.getAsLong() >= reread) {
        // reads what has arrived since; a connection whose earlier bytes wait to be parsed is left for the
        // next turn (the selector reports it again), so no event is timed by a later read than its own
        rereading = true;
        selector.selectNow(this::ready);
        rereading = false;
        reread = clock.getAsLong() + REREAD_NANOS;
      }
      LoopConnection c = read.get(i);
      c.toParse = false;
      Exchange ex = c.ex;
      if (ex == null) {
        continue; // concluded meanwhile (failed, or cancelled)
      }
      try {
        advance(c);
      } catch (RuntimeException e) {
        clientFailure(c, ex, e);
      }
    }
    read.clear();
  }

  /**
   * Moves a response along with what its connection has read: head, body, events; concludes it when it
   * ends. At the end of input, the events that came whole before it are taken first, then a response cut
   * short fails, as a blocking reader sees them.
   */
  private void advance(LoopConnection c) {
    Exchange ex = c.ex;
    if (c.cut == null) {
      try {
        c.framing.feed(c.raw, c.body);
        if (c.eof) {
          c.framing.endOfInput(c.origin);
        }
      } catch (IOException e) {
        if (!c.framing.headersDone()) {
          fail(c, e);
          return;
        }
        // a cut or broken body: nothing after it is read, and the events that came whole before it count
        // first (a slow reader takes them at its pace, then the failure)
        c.cut = e;
        if (c.key.isValid()) {
          c.key.interestOps(0);
        }
      }
    }
    IOException cut = c.cut;
    if (!c.framing.headersDone()) {
      return;
    }
    if (ex.responseHeadersNanos < 0) {
      ex.responseHeadersNanos = c.lastReadNanos;
      ex.httpStatus = c.framing.status();
      if (ex.httpStatus == 200) {
        c.sse = new SseEventReader(c.body, StreamConsumer.MAX_LINE_BYTES, settings.maxEventBytes());
        c.reading = new StreamReading(ex, settings.tokenizer().isPresent());
      }
    }
    if (ex.httpStatus != 200) {
      errorBody(c, cut != null);
    } else {
      events(c);
    }
    if (cut != null && c.ex == ex && !c.paused) {
      fail(c, cut);
    }
  }

  /** A non-200 response: its body's first bytes are the detail, taken when the body ends, is cut or passes the bound. */
  private void errorBody(LoopConnection c, boolean cut) {
    if (!cut && !c.framing.done() && c.body.size() < StreamConsumer.ERROR_BODY_BYTES) {
      return;
    }
    String text;
    try {
      text = c.body.readUtf8(Math.min(c.body.size(), StreamConsumer.ERROR_BODY_BYTES)).strip();
    } catch (java.io.EOFException e) {
      throw new IllegalStateException(e); // reads no more than the buffer holds
    }
    Exchange ex = c.ex;
    release(c);
    finish(ex, Verdict.of(Outcome.HTTP_ERROR, "HTTP " + ex.httpStatus, text));
  }

  private void events(LoopConnection c) {
    Exchange ex = c.ex;
    while (!c.paused) {
      String data;
      try {
        data = c.sse.nextBuffered();
      } catch (SseBoundException e) {
        close(c);
        finish(ex, Classifier.overBound(e));
        return;
      }
      if (data == null) {
        break;
      }
      long now = clock.getAsLong();
      Verdict ended = c.reading.onEvent(data, now, c.lastReadNanos);
      if (ended != null) {
        close(c);
        finish(ex, ended);
        return;
      }
      long pause = c.reading.pauseUntil();
      if (pause > clock.getAsLong()) {
        pause(c, pause);
      }
    }
    if (!c.paused && c.framing.done()) {
      c.sse.endOfInput();
      streamEnded(c);
    }
  }

  private void streamEnded(LoopConnection c) {
    Exchange ex = c.ex;
    SseEventReader sse = c.sse;
    StreamReading reading = c.reading;
    String contentType = c.framing.contentType();
    release(c);
    if (ex.usage == null && settings.tokenizer().isPresent() && ex.tokensReceived > 0) {
      try {
        helpers.execute(() -> {
          Verdict verdict;
          try {
            ex.tokenizerTokens = settings.tokenizer().get().count(reading.text());
            verdict = Classifier.afterStream(ex, settings.usageRequested(), contentType, sse);
          } catch (RuntimeException | Error e) {
            runErrors.accept("Request " + ex.id + ": counting its output with the server's tokenizer failed: " + e);
            verdict = Verdict.of(Outcome.MALFORMED, e.getClass().getSimpleName(), "client failure: " + e.getMessage());
          }
          finish(ex, verdict);
        });
        return;
      } catch (RejectedExecutionException e) {
        // the run is closing: classify without the count
      }
    }
    finish(ex, Classifier.afterStream(ex, settings.usageRequested(), contentType, sse));
  }

  /** A slow reader stops reading until its next chunk is due; the server's writes back up meanwhile. */
  private void pause(LoopConnection c, long until) {
    c.paused = true;
    c.resumeAt = until;
    if (c.key.isValid()) {
      c.key.interestOps(c.writing() ? SelectionKey.OP_WRITE : 0);
    }
    paused.add(c);
  }

  private void resumeDue() {
    long now = clock.getAsLong();
    LoopConnection c;
    while ((c = paused.peek()) != null && c.resumeAt <= now) {
      paused.poll();
      c.paused = false;
      if (c.ex == null) {
        continue;
      }
      Exchange ex = c.ex;
      try {
        if (ex.timedOutByReaper || now >= ex.deadlineNanos) {
          close(c);
          finish(ex, Classifier.deadlineReached(ex));
          continue;
        }
        if (c.key.isValid() && c.cut == null) {
          c.key.interestOps(SelectionKey.OP_READ | (c.writing() ? SelectionKey.OP_WRITE : 0));
        }
        advance(c);
      } catch (RuntimeException e) {
        clientFailure(c, ex, e);
      }
    }
  }

  /** The reaper's cancel (request deadline) or the hard stop: the request's connection is dropped. */
  private void cancelled(Exchange ex) {
    LoopConnection c = (LoopConnection) ex.carrier;
    if (c == null || c.ex != ex) {
      return; // not started (the reaper refuses it in the queue), or concluded, its connection maybe reused since
    }
    fail(c, new IOException("Canceled"));
  }

  /** An I/O failure ends the request on the connection: before its response, a connection error; after, a cut stream. */
  private void fail(LoopConnection c, IOException e) {
    Exchange ex = c.ex;
    boolean responded = c.framing != null && c.framing.headersDone();
    close(c);
    if (ex == null) {
      return;
    }
    if (!responded) {
      finish(ex, Classifier.afterCallFailure(ex, e));
    } else if (ex.httpStatus != 200) {
      finish(ex, Verdict.of(Outcome.HTTP_ERROR, "HTTP " + ex.httpStatus, "(error body unreadable: "
          + Classifier.message(e) + ")"));
    } else {
      finish(ex, Classifier.afterReadFailure(ex, settings.usageRequested(), e));
    }
  }

  /** A failure of the client's own code while it served {@code ex} on {@code c}: that request ends, and only it. */
  private void clientFailure(LoopConnection c, Exchange ex, RuntimeException e) {
    if (c.ex == ex) {
      close(c);
    }
    if (ex != null) {
      runErrors.accept("Request " + ex.id + ": the client failed reading its stream: " + e);
      finish(ex, Verdict.of(Outcome.MALFORMED, e.getClass().getSimpleName(), "client failure: " + e.getMessage()));
    }
  }

  private void finish(Exchange ex, Verdict verdict) {
    ex.canceller = null;
    ex.carrier = null;
    finisher.finish(ex, verdict);
  }

  /** The response ended: the connection goes back to the pool if it can carry another request, else closes. */
  private void release(LoopConnection c) {
    boolean reusable = c.framing.reusable() && !c.eof && c.raw.size() == 0 && !c.writing();
    c.end();
    if (reusable && !closed) {
      c.idleSince = clock.getAsLong();
      c.key.interestOps(SelectionKey.OP_READ);
      idle.addLast(c);
    } else {
      close(c);
    }
  }

  private void close(LoopConnection c) {
    c.end();
    c.paused = false;
    paused.remove(c);
    idle.remove(c);
    all.remove(c);
    try {
      c.channel.close();
    } catch (IOException e) {
      // closing is all that is left to do with it
    }
  }

  private void closeExpiredIdle() {
    long now = clock.getAsLong();
    LoopConnection c;
    while ((c = idle.peekFirst()) != null && now - c.idleSince > KEEP_ALIVE_NANOS) {
      close(c);
    }
  }

  void close() {
    closed = true;
    selector.wakeup();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Ends every request still open (as client failures) and closes every connection. */
  private void shutDown() {
    synchronized (exitLock) {
      exited = true;
    }
    closed = true;
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run(); // starts are refused (closed), cancels find nothing left to cancel
      } catch (RuntimeException e) {
        runErrors.accept(thread.getName() + ": a task failed at shutdown: " + e);
      }
    }
    for (LoopConnection c : new ArrayList<>(all)) {
      try {
        fail(c, new IOException("Canceled: the load's client closed"));
      } catch (RuntimeException e) {
        runErrors.accept(thread.getName() + ": ending a request at shutdown failed: " + e);
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      // nothing is left to release
    }
    CURRENT.remove();
  }
}
