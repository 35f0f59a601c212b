package run.tokenlabs.chaos.load;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * <p>Idle connections are kept 4 s, under uvicorn's (vLLM's server) 5 s keep-alive, so the client does
 * not pick a connection the server is closing; and failed connections are not retried silently,
 * since a hidden retry would hide a failure from the ledger. Only the naive preset keeps OkHttp's
 * defaults for dispatcher and pool, to show what they do.
 */
final class HttpClients {
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(4);

  private HttpClients() {}

  /** The in-flight limit the pools are sized to, or 0 for the naive preset (no limit of ours). */
  static int maxInFlight(LoadSpec spec) {
    return spec.pool().inFlightLimit(spec.loop(), spec.bounds());
  }

  static OkHttpClient build(LoadSpec spec, EventListener listener) {
    var builder = new OkHttpClient.Builder()
        .eventListener(listener)
        .connectTimeout(min(Duration.ofSeconds(10), spec.bounds().requestTimeout()))
        .readTimeout(spec.bounds().requestTimeout())
        .writeTimeout(spec.bounds().requestTimeout())
        .callTimeout(Duration.ZERO);
    int maxInFlight = maxInFlight(spec);
    if (maxInFlight > 0) {
      var dispatcher = new Dispatcher();
      dispatcher.setMaxRequests(maxInFlight);
      dispatcher.setMaxRequestsPerHost(maxInFlight);
      builder.dispatcher(dispatcher)
          .connectionPool(new ConnectionPool(maxInFlight, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS))
          .retryOnConnectionFailure(false);
    }
    return builder.build();
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
  static EventListener sendMarker(java.util.function.LongSupplier clock) {
    return new EventListener() {
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
