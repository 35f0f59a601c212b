package run.tokenlabs.chaos.probes.traces;

import java.time.Duration;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;
import run.tokenlabs.chaos.probes.api.TraceBackend;
import run.tokenlabs.chaos.probes.http.OkHttpClients;

/** Builds a {@link TraceBackend} for an endpoint: its kind's path and answer, authentication, CA, time and size bounds. */
public final class TraceBackends {
  private TraceBackends() {
  }

  /** A backend whose every question ends within {@code probeTimeout}. */
  public static TraceBackend connect(TraceBackendEndpoint endpoint, Duration probeTimeout) {
    Objects.requireNonNull(endpoint, "endpoint");
    HttpUrl base = HttpUrl.get(endpoint.url().toString());
    if (!base.username().isEmpty() || !base.password().isEmpty()) {
      throw new IllegalArgumentException("the trace backend URL must not carry credentials; configure a bearer token");
    }
    if (!base.encodedPath().endsWith("/")) {
      base = base.newBuilder().addPathSegment("").build();
    }
    // Only GETs go to a trace backend, so a pooled connection the backend closed while idle (Zipkin's server
    // does after its idle timeout: "unexpected end of stream") is retried once on a new one, as the scrapes do.
    OkHttpClient.Builder builder = OkHttpClients.shared().newBuilder().callTimeout(probeTimeout)
        .retryOnConnectionFailure(true);
    endpoint.caFile().ifPresent(ca -> OkHttpClients.trustingOnly(builder, ca));
    endpoint.bearerToken().ifPresent(token -> builder.addInterceptor(chain -> chain.proceed(
        chain.request().newBuilder().header("Authorization", "Bearer " + token.reveal()).build())));
    return new HttpTraceBackend(endpoint, base, builder.build());
  }
}
