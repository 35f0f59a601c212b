package run.tokenlabs.chaos.probes.prometheus;

import java.time.Duration;
import java.util.Objects;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.http.OkHttpClients;

/** Builds {@link PrometheusClient}s from an endpoint: authentication, CA, retries and the bound on an answer. */
public final class PrometheusClients {
  private PrometheusClients() {
  }

  /** A client that retries within {@code probeTimeout} and then throws {@code ProbeException}. */
  public static PrometheusClient connect(PrometheusEndpoint endpoint, Duration probeTimeout) {
    return connect(endpoint, RetryPolicy.within(probeTimeout), Sleeper.SYSTEM);
  }

  /** As {@link #connect(PrometheusEndpoint, Duration)} with an explicit policy and pause seam. */
  public static PrometheusClient connect(PrometheusEndpoint endpoint, RetryPolicy retry, Sleeper sleeper) {
    Objects.requireNonNull(endpoint, "endpoint");
    HttpUrl base = HttpUrl.get(endpoint.url().toString());
    if (!base.username().isEmpty() || !base.password().isEmpty()) {
      throw new IllegalArgumentException("prometheus.url must not carry credentials; configure basic auth separately");
    }
    if (!base.encodedPath().endsWith("/")) {
      base = base.newBuilder().addPathSegment("").build();
    }
    OkHttpClient.Builder builder = OkHttpClients.shared().newBuilder();
    endpoint.caFile().ifPresent(ca -> OkHttpClients.trustingOnly(builder, ca));
    String authorization = authorization(endpoint);
    if (authorization != null) {
      builder.addInterceptor(chain -> chain.proceed(
          chain.request().newBuilder().header("Authorization", authorization).build()));
    }
    return new HttpPrometheusClient(new PrometheusTransport(base, builder.build(), retry, sleeper, System::nanoTime,
        endpoint.maxResponseBytes()));
  }

  private static String authorization(PrometheusEndpoint endpoint) {
    if (endpoint.bearerToken().isPresent()) {
      return "Bearer " + endpoint.bearerToken().get().reveal();
    }
    if (endpoint.basicUser().isPresent()) {
      String password = endpoint.basicPassword().map(Secret::reveal).orElse("");
      return Credentials.basic(endpoint.basicUser().get(), password);
    }
    return null;
  }
}
