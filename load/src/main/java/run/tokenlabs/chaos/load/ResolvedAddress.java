package run.tokenlabs.chaos.load;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The endpoint's address for the event loops, which must never wait on DNS: resolved when the load starts,
 * then again in the background when the last answer is older than {@value #REFRESH_SECONDS} s, so that a
 * name whose addresses change during the run (a headless Service after a pod was replaced) is followed
 * as the JVM's own cache would follow it. A name that does not resolve is an {@link UnknownHostException}
 * for every connection until it does.
 */
final class ResolvedAddress {
  static final int REFRESH_SECONDS = 5;

  private final String host;
  private final int port;
  private final Executor background;
  private final LongSupplier clock;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile InetSocketAddress current;
  private volatile long resolvedAt;

  ResolvedAddress(String host, int port, Executor background, LongSupplier clock) {
    this.host = host;
    this.port = port;
    this.background = background;
    this.clock = clock;
    resolve();
  }

  /** The last answer; starts a refresh in the background when it is stale. Never blocks. */
  InetSocketAddress current() throws UnknownHostException {
    InetSocketAddress address = current;
    if (clock.getAsLong() - resolvedAt > TimeUnit.SECONDS.toNanos(REFRESH_SECONDS) && refreshing.compareAndSet(false, true)) {
      try {
        background.execute(() -> {
          try {
            resolve();
          } finally {
            refreshing.set(false);
          }
        });
      } catch (RuntimeException e) {
        refreshing.set(false); // the load is closing: keep the last answer
      }
    }
    if (address.isUnresolved()) {
      throw new UnknownHostException(host + ": the load's endpoint host does not resolve");
    }
    return address;
  }

  /** A failed refresh keeps the last good answer: a DNS hiccup must not fail every new connection for 5 s. */
  private void resolve() {
    var fresh = new InetSocketAddress(host, port); // resolves, or stays unresolved
    InetSocketAddress last = current;
    if (!fresh.isUnresolved() || last == null) {
      current = fresh;
    }
    resolvedAt = clock.getAsLong();
  }
}
