package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
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
import okio.Buffer;
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
  private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

  private final RequestHead head;
  private final LongSupplier clock;
  private final StreamSettings settings;
  private final Finisher finisher;
  private final Consumer<String> runErrors;
  private final ExecutorService tokenizing;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingStarts = new AtomicInteger();
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final PriorityQueue<Connection> paused = new PriorityQueue<>((a, b) -> Long.compare(a.resumeAt, b.resumeAt));
  private final ArrayList<Connection> all = new ArrayList<>();
  /** Connections read in this turn whose bytes are not parsed yet. */
  private final ArrayList<Connection> read = new ArrayList<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private volatile boolean closed;

  EventLoop(String name, RequestHead head, LongSupplier clock, StreamSettings settings, Finisher finisher,
      Consumer<String> runErrors, ExecutorService tokenizing) {
    this.head = head;
    this.clock = clock;
    this.settings = settings;
    this.finisher = finisher;
    this.runErrors = runErrors;
    this.tokenizing = tokenizing;
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

  /** From any thread: the request starts on this loop's next turn. */
  void submit(Exchange ex, SlicedBody body) {
    if (closed) {
      finish(ex, Verdict.of(Outcome.REJECTED, "ClientClosed", "the load's client was closed before this request was sent"));
      return;
    }
    pendingStarts.incrementAndGet();
    execute(() -> {
      pendingStarts.decrementAndGet();
      startNow(ex, body);
    });
  }

  int queued() {
    return pendingStarts.get();
  }

  private void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** On this loop's thread: takes a connection (pooled, or a new one) and starts writing the request. */
  void startNow(Exchange ex, SlicedBody body) {
    if (closed) {
      finish(ex, Verdict.of(Outcome.REJECTED, "ClientClosed", "the load's client was closed before this request was sent"));
      return;
    }
    if (!ex.markSent(clock.getAsLong())) {
      return; // concluded while it waited (the run's hard stop)
    }
    Connection c = pooledConnection();
    try {
      if (c == null) {
        c = open();
      }
    } catch (IOException e) {
      finish(ex, Classifier.afterCallFailure(ex, e));
      return;
    }
    c.begin(ex, body, requestBytes(body));
    Connection carrying = c;
    ex.canceller = () -> execute(() -> cancelled(carrying, ex));
    if (c.connected) {
      write(c);
    }
  }

  private byte[] requestBytes(SlicedBody body) {
    String more = "Content-Type: " + body.contentType() + "\r\nContent-Length: " + body.contentLength() + "\r\n\r\n";
    byte[] tail = more.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.common().length + tail.length];
    System.arraycopy(head.common(), 0, all, 0, head.common().length);
    System.arraycopy(tail, 0, all, head.common().length, tail.length);
    return all;
  }

  private Connection pooledConnection() {
    Connection c;
    while ((c = idle.pollLast()) != null) {
      if (c.channel.isOpen()) {
        return c;
      }
    }
    return null;
  }

  private Connection open() throws IOException {
    var address = new InetSocketAddress(head.host(), head.port());
    if (address.isUnresolved()) {
      throw new UnknownHostException(head.host() + ": the load's endpoint host does not resolve");
    }
    SocketChannel channel = SocketChannel.open();
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      var c = new Connection(channel, head.host() + ":" + head.port());
      c.connected = channel.connect(address);
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
        selector.select(this::ready, selectTimeoutMillis());
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
    Connection next = paused.peek();
    if (next == null) {
      return MAX_SELECT_MILLIS;
    }
    long nanos = next.resumeAt - clock.getAsLong();
    // select's timeout is in milliseconds, and 0 means forever: round up, at least 1
    return Math.max(1, Math.min(MAX_SELECT_MILLIS, (nanos + 999_999) / 1_000_000));
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        runErrors.accept(thread.getName() + ": a task failed: " + e);
      }
    }
  }

  private void ready(SelectionKey key) {
    Connection c = (Connection) key.attachment();
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
      clientFailure(c, e);
    }
  }

  private void connected(Connection c) {
    try {
      c.channel.finishConnect();
      c.connected = true;
      write(c);
    } catch (IOException e) {
      fail(c, e);
    }
  }

  private void write(Connection c) {
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
  private void read(Connection c) {
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

  private void parseWhatWasRead() {
    for (int i = 0; i < read.size(); i++) {
      Connection c = read.get(i);
      c.toParse = false;
      if (c.ex == null) {
        continue; // concluded meanwhile (failed, or cancelled)
      }
      try {
        advance(c);
      } catch (RuntimeException e) {
        clientFailure(c, e);
      }
    }
    read.clear();
  }

  /**
   * Moves a response along with what its connection has read: head, body, events; concludes it when it
   * ends. At the end of input, the events that came whole before it are taken first, then a response cut
   * short fails, as a blocking reader sees them.
   */
  private void advance(Connection c) {
    Exchange ex = c.ex;
    IOException cut = null;
    try {
      c.framing.feed(c.raw, c.body);
      if (c.eof) {
        c.framing.endOfInput(c.origin);
      }
    } catch (IOException e) {
      if (!c.eof || !c.framing.headersDone()) {
        fail(c, e);
        return;
      }
      cut = e;
    }
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
  private void errorBody(Connection c, boolean cut) {
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

  private void events(Connection c) {
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

  private void streamEnded(Connection c) {
    Exchange ex = c.ex;
    SseEventReader sse = c.sse;
    StreamReading reading = c.reading;
    String contentType = c.framing.contentType();
    release(c);
    if (ex.usage == null && settings.tokenizer().isPresent() && ex.tokensReceived > 0) {
      try {
        tokenizing.execute(() -> {
          ex.tokenizerTokens = settings.tokenizer().get().count(reading.text());
          finish(ex, Classifier.afterStream(ex, settings.usageRequested(), contentType, sse));
        });
        return;
      } catch (RejectedExecutionException e) {
        // the run is closing: classify without the count
      }
    }
    finish(ex, Classifier.afterStream(ex, settings.usageRequested(), contentType, sse));
  }

  /** A slow reader stops reading until its next chunk is due; the server's writes back up meanwhile. */
  private void pause(Connection c, long until) {
    c.paused = true;
    c.resumeAt = until;
    if (c.key.isValid()) {
      c.key.interestOps(c.writing() ? SelectionKey.OP_WRITE : 0);
    }
    paused.add(c);
  }

  private void resumeDue() {
    long now = clock.getAsLong();
    Connection c;
    while ((c = paused.peek()) != null && c.resumeAt <= now) {
      paused.poll();
      c.paused = false;
      if (c.ex == null) {
        continue;
      }
      Exchange ex = c.ex;
      if (ex.timedOutByReaper || now >= ex.deadlineNanos) {
        close(c);
        finish(ex, Classifier.deadlineReached(ex));
        continue;
      }
      if (c.key.isValid()) {
        c.key.interestOps(SelectionKey.OP_READ | (c.writing() ? SelectionKey.OP_WRITE : 0));
      }
      advance(c);
    }
  }

  /** The reaper's cancel (request deadline) or the hard stop: the connection is dropped. */
  private void cancelled(Connection c, Exchange ex) {
    if (c.ex != ex) {
      return; // concluded already, the connection maybe carrying another request by now
    }
    fail(c, new IOException("Canceled"));
  }

  /** An I/O failure ends the request on the connection: before its response, a connection error; after, a cut stream. */
  private void fail(Connection c, IOException e) {
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

  private void clientFailure(Connection c, RuntimeException e) {
    Exchange ex = c.ex;
    close(c);
    if (ex != null) {
      runErrors.accept("Request " + ex.id + ": the client failed reading its stream: " + e);
      finish(ex, Verdict.of(Outcome.MALFORMED, e.getClass().getSimpleName(), "client failure: " + e.getMessage()));
    }
  }

  private void finish(Exchange ex, Verdict verdict) {
    ex.canceller = null;
    finisher.finish(ex, verdict);
  }

  /** The response ended: the connection goes back to the pool if it can carry another request, else closes. */
  private void release(Connection c) {
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

  private void close(Connection c) {
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
    Connection c;
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
    runTasks(); // starts queued meanwhile are refused, cancels run
    for (Connection c : new ArrayList<>(all)) {
      fail(c, new IOException("Canceled: the load's client closed"));
    }
    try {
      selector.close();
    } catch (IOException e) {
      // nothing is left to release
    }
    CURRENT.remove();
  }

  /** One connection and the request it carries; touched by the loop's thread only. */
  private static final class Connection {
    final SocketChannel channel;
    final String origin;
    SelectionKey key;
    boolean connected;
    Exchange ex;
    private ByteBuffer[] out;
    private int outAt;
    final Buffer raw = new Buffer();
    final Buffer body = new Buffer();
    Http1ResponseFraming framing;
    SseEventReader sse;
    StreamReading reading;
    long lastReadNanos;
    boolean eof;
    /** Read in this turn of the loop, waiting to be parsed. */
    boolean toParse;
    boolean paused;
    long resumeAt;
    long idleSince;

    Connection(SocketChannel channel, String origin) {
      this.channel = channel;
      this.origin = origin;
    }

    void begin(Exchange ex, SlicedBody requestBody, byte[] head) {
      this.ex = ex;
      ByteBuffer[] slices = requestBody.byteBuffers();
      out = new ByteBuffer[slices.length + 1];
      out[0] = ByteBuffer.wrap(head);
      System.arraycopy(slices, 0, out, 1, slices.length);
      outAt = 0;
      framing = new Http1ResponseFraming();
      raw.clear();
      body.clear();
      sse = null;
      reading = null;
      eof = false;
    }

    /** Writes what the socket takes; true when the whole request is written. */
    boolean writeMore() throws IOException {
      while (outAt < out.length) {
        channel.write(out, outAt, out.length - outAt);
        while (outAt < out.length && !out[outAt].hasRemaining()) {
          outAt++;
        }
        if (outAt < out.length && out[outAt].hasRemaining()) {
          return false;
        }
      }
      out = null;
      return true;
    }

    boolean writing() {
      return out != null;
    }

    void end() {
      ex = null;
      out = null;
      sse = null;
      reading = null;
    }
  }
}
