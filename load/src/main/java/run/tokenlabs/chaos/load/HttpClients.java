package run.tokenlabs.chaos.load;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import run.tokenlabs.chaos.load.api.ClientPool;
import run.tokenlabs.chaos.load.api.LoadSpec;

/**
 * Builds the OkHttp client of a load, its pools set from the load (see {@link ClientPool}).
 *
 * <p>The dispatcher admits twice the load's in-flight limit, which {@code LoadRun} enforces itself: a
 * closed-loop session sends its next request from the callback of its previous one, which holds its
 * dispatcher slot until the callback returns, so with a dispatcher of exactly the limit every next
 * request waited in OkHttp's queue for a slot (at 256 sessions on one core, hundreds of milliseconds of
 * dispatch delay and requests rejected before they were sent). Each session holds at most two slots,
 * the concluding call's and its successor's. Its threads come from OkHttp's cached pool (one per call
 * being sent or read), or, with {@code -D}{@value #VIRTUAL_THREADS}{@code =true} on a JDK that has them,
 * one virtual thread per call.
 *
 * <p>Idle connections are kept 4 s, under uvicorn's (vLLM's server) 5 s keep-alive, so the client does
 * not pick a connection the server is closing; and failed connections are not retried silently,
 * since a hidden retry would hide a failure from the ledger. Only the naive preset keeps OkHttp's
 * defaults for dispatcher and pool, to show what they do.
 */
final class HttpClients {
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(4);
  /** The system property that runs each call on a virtual thread (JDK 21 or later). */
  static final String VIRTUAL_THREADS = "tokenlabs.load.virtualThreads";

  private HttpClients() {}

  /** The in-flight limit the pools are sized to, or 0 for the naive preset (no limit of ours). */
  static int maxInFlight(LoadSpec spec) {
    return spec.pool().inFlightLimit(spec.loop(), spec.bounds());
  }

  /**
   * The client of a load whose clock is {@code clock}: requests are marked sent on it ({@link #sendMarker}),
   * and chunks timed where their bytes arrive ({@link ArrivalClockSocket}); {@code observer} also sees
   * each call that waits in the dispatcher's queue ({@link EventListener#dispatcherQueueStart}).
   */
  static OkHttpClient build(LoadSpec spec, LongSupplier clock, EventListener observer) {
    return builder(spec, sendMarker(clock, observer)).socketFactory(ArrivalClockSocket.factory(clock)).build();
  }

  static OkHttpClient build(LoadSpec spec, EventListener listener) {
    return builder(spec, listener).build();
  }

  private static OkHttpClient.Builder builder(LoadSpec spec, EventListener listener) {
    var builder = new OkHttpClient.Builder()
        .eventListener(listener)
        .connectTimeout(min(Duration.ofSeconds(10), spec.bounds().requestTimeout()))
        .readTimeout(spec.bounds().requestTimeout())
        .writeTimeout(spec.bounds().requestTimeout())
        .callTimeout(Duration.ZERO);
    int maxInFlight = maxInFlight(spec);
    if (maxInFlight > 0) {
      var dispatcher = Boolean.getBoolean(VIRTUAL_THREADS) ? new Dispatcher(virtualThreadPerCall()) : new Dispatcher();
      int slots = (int) Math.min(Integer.MAX_VALUE, 2L * maxInFlight);
      dispatcher.setMaxRequests(slots);
      dispatcher.setMaxRequestsPerHost(slots);
      builder.dispatcher(dispatcher)
          .connectionPool(new ConnectionPool(maxInFlight, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS))
          .retryOnConnectionFailure(false);
    }
    return builder;
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()}, found by reflection: this module is built for Java 17. */
  static ExecutorService virtualThreadPerCall() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("-D" + VIRTUAL_THREADS + "=true needs a JDK with virtual threads (21 or later),"
          + " but this JVM is Java " + Runtime.version() + ": run the load on a newer JDK or drop the property");
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e; // the invoked method's own failure, if it threw
      throw new IllegalStateException("-D" + VIRTUAL_THREADS + "=true: creating the virtual-thread executor on Java "
          + Runtime.version() + " failed: " + cause + "; use a JDK 21 or later (on 19 or 20 they need"
          + " --enable-preview), or drop the property to use platform threads", cause);
    }
  }

  static void shutdown(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Marks the moment a request leaves the client's queue: the actual start. A call that never
   * waited in the dispatcher's queue gets no queue-end event, so the first step of its execution
   * (route selection for a new connection, or a pooled connection) marks it; otherwise thread start
   * and TCP connect would count as time in the client's queue.
   */
  static EventListener sendMarker(LongSupplier clock, EventListener observer) {
    return new EventListener() {
      @Override
      public void dispatcherQueueStart(Call call, Dispatcher dispatcher) {
        Exchange ex = call.request().tag(Exchange.class);
        if (ex != null) {
          ex.waitedInDispatcher = true;
        }
        observer.dispatcherQueueStart(call, dispatcher);
      }

      @Override
      public void dispatcherQueueEnd(Call call, Dispatcher dispatcher) {
        mark(call);
      }

      @Override
      public void proxySelectStart(Call call, okhttp3.HttpUrl url) {
        mark(call);
      }

      @Override
      public void connectStart(Call call, java.net.InetSocketAddress address, java.net.Proxy proxy) {
        mark(call);
      }

      @Override
      public void connectionAcquired(Call call, Connection connection) {
        mark(call);
        Exchange ex = call.request().tag(Exchange.class);
        if (ex != null && connection.socket() instanceof ArrivalClockSocket socket) {
          ex.arrivals = socket;
        }
      }

      @Override
      public void requestHeadersStart(Call call) {
        mark(call);
      }

      private void mark(Call call) {
        Exchange ex = call.request().tag(Exchange.class);
        if (ex != null) {
          ex.markSent(clock.getAsLong());
        }
      }
    };
  }
}
