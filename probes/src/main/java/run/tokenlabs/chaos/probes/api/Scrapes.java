package run.tokenlabs.chaos.probes.api;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import run.tokenlabs.chaos.probes.http.BoundedBodies;
import run.tokenlabs.chaos.probes.http.OkHttpClients;

/**
 * One GET of a {@code /metrics} endpoint, asking for the classic text format. A page over
 * {@value #MAX_BODY_BYTES} bytes fails the scrape naming that bound instead of being read whole
 * (a DCGM exporter of eight GPUs serves well under 1 MiB).
 */
final class Scrapes {
  static final long MAX_BODY_BYTES = 32L << 20;
  private static final String ACCEPT = "text/plain;version=0.0.4;q=1,*/*;q=0.1";
  /**
   * For one-shot reads: a pooled keep-alive connection may have been closed by the exporter while it
   * sat idle (HTTP servers close idle connections, the JDK's after 30 s), and OkHttp notices that for
   * a GET only by retrying on a fresh connection. The sampler keeps {@link #client()}: at its rate a
   * connection never idles, and a failed scrape must show as a gap, not be retried away.
   */
  private static final OkHttpClient ONE_SHOT = OkHttpClients.shared().newBuilder()
      .retryOnConnectionFailure(true).build();

  private Scrapes() {
  }

  static String fetch(OkHttpClient client, URI uri, Duration timeout) throws IOException {
    return fetch(client, uri, timeout, MAX_BODY_BYTES);
  }

  static String fetch(OkHttpClient client, URI uri, Duration timeout, long maxBodyBytes) throws IOException {
    Call call = client.newCall(new Request.Builder().url(uri.toString()).header("Accept", ACCEPT).get().build());
    call.timeout().timeout(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    try (Response response = call.execute()) {
      if (response.code() != 200) {
        throw new IOException("HTTP " + response.code() + " from " + uri);
      }
      try {
        return BoundedBodies.readUtf8(response.body(), maxBodyBytes);
      } catch (BoundedBodies.BodyTooLargeException e) {
        throw new IOException("metrics page of " + uri + ": " + e.getMessage() + "; is this a /metrics endpoint?", e);
      }
    }
  }

  static OkHttpClient client() {
    return OkHttpClients.shared();
  }

  /** The client for single reads: the shared pool, retrying once where a pooled connection turned out closed. */
  static OkHttpClient oneShotClient() {
    return ONE_SHOT;
  }
}
