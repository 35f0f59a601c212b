package run.tokenlabs.chaos.probes.api;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.TargetActions;
import run.tokenlabs.chaos.probes.http.OkHttpClients;

/** One-request HTTP probes: status, latency and body, judged with {@link HttpExpectation}. */
public final class HttpProbes {
  private static final long MAX_BODY_BYTES = 64 * 1024;
  private static final MediaType JSON = MediaType.get("application/json");

  private final Optional<URI> gateway;
  private final Duration timeout;
  private final LongSupplier nanoTime;

  HttpProbes(Optional<URI> gateway, Duration timeout) {
    this(gateway, timeout, System::nanoTime);
  }

  private HttpProbes(Optional<URI> gateway, Duration timeout, LongSupplier nanoTime) {
    this.gateway = gateway;
    this.timeout = timeout;
    this.nanoTime = nanoTime;
  }

  /** HTTP probes with no gateway and the given timeout per request. */
  public static HttpProbes withTimeout(Duration timeout) {
    return new HttpProbes(Optional.empty(), timeout);
  }

  /** A GET of {@code url}. */
  public Probe<HttpResult> get(URI url) {
    return probe("GET " + url, new Request.Builder().url(url.toString()).get().build());
  }

  /**
   * A POST of a JSON body to {@code url}. A POST may change the target or load it (a completion), so
   * each read first announces itself through {@link TargetActions}: in a dry run it sends nothing and
   * the experiment ends ABORTED with the request as its plan.
   */
  public Probe<HttpResult> postJson(URI url, String json) {
    Request request = new Request.Builder().url(url.toString()).post(RequestBody.create(json, JSON)).build();
    String name = "POST " + url;
    return Probe.of(name, () -> {
      TargetActions.announce("send " + name + " (" + json.length() + " bytes of JSON)");
      return Reading.of(execute(request));
    });
  }

  /**
   * A GET of a path on the target's gateway, e.g. {@code gateway("/v1/models")}.
   *
   * @throws ProbeException when the target has no gateway
   */
  public Probe<HttpResult> gateway(String path) {
    URI base = gateway.orElseThrow(() -> new ProbeException("The target has no gateway; configure endpoints.gateway"));
    String text = base.toString();
    return get(URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text)
        + (path.startsWith("/") ? path : "/" + path)));
  }

  private Probe<HttpResult> probe(String name, Request request) {
    Objects.requireNonNull(request, "request");
    return Probe.of(name, () -> Reading.of(execute(request)));
  }

  HttpResult execute(Request request) {
    Call call = OkHttpClients.shared().newCall(request);
    call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    long start = nanoTime.getAsLong();
    try (Response response = call.execute()) {
      BufferedSource source = response.body().source();
      source.request(MAX_BODY_BYTES);
      long size = Math.min(source.getBuffer().size(), MAX_BODY_BYTES);
      String body = source.getBuffer().readUtf8(size);
      return new HttpResult(response.code(), Duration.ofNanos(nanoTime.getAsLong() - start), body, Optional.empty());
    } catch (IOException e) {
      return new HttpResult(0, Duration.ofNanos(nanoTime.getAsLong() - start), "",
          Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }
}
