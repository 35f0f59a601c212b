package run.tokenlabs.chaos.probes.prometheus;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.probes.http.BoundedBodies;

/**
 * Asks Prometheus one question over HTTP and unwraps the API envelope: retries what may pass
 * (connection failures, timeouts, 5xx, {@code timeout}/{@code unavailable}/{@code internal}) within
 * the {@link RetryPolicy}, fails at once on what will not ({@code bad_data}, {@code execution},
 * non-JSON answers, authentication), and always throws {@link ProbeException} with what was asked.
 *
 * <p>No answer is read past {@code maxResponseBytes}: a larger one (a query that selects far more
 * series than a probe needs) fails at once, naming the bound, the URL and the question, without
 * being retried: asking again would bring the same answer.
 */
final class PrometheusTransport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpUrl base;
  private final OkHttpClient client;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;
  private final long maxResponseBytes;

  /** A successful answer: the envelope's {@code data} and its warnings. */
  record Answer(JsonNode data, List<String> warnings) {
  }

  PrometheusTransport(HttpUrl base, OkHttpClient client, RetryPolicy retry, Sleeper sleeper, LongSupplier nanoTime,
      long maxResponseBytes) {
    this.base = base;
    this.client = client;
    this.retry = retry;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
    this.maxResponseBytes = maxResponseBytes;
  }

  String url() {
    return base.toString();
  }

  Answer get(String path, Map<String, String> params, String question) {
    HttpUrl.Builder url = base.newBuilder().addPathSegments(path);
    params.forEach(url::addQueryParameter);
    return ask(new Request.Builder().url(url.build()).get().build(), question);
  }

  /** POST with a form body: what Prometheus recommends for long PromQL. */
  Answer post(String path, Map<String, String> form, String question) {
    FormBody.Builder body = new FormBody.Builder();
    form.forEach(body::add);
    return ask(new Request.Builder().url(base.newBuilder().addPathSegments(path).build()).post(body.build()).build(),
        question);
  }

  private Answer ask(Request request, String question) {
    long start = nanoTime.getAsLong();
    long deadline = start + retry.deadline().toNanos();
    List<String> failures = new ArrayList<>();
    Throwable lastCause = null;
    for (int attempt = 1; ; attempt++) {
      long remaining = Math.max(deadline - nanoTime.getAsLong(), TimeUnit.MILLISECONDS.toNanos(1));
      try {
        return attempt(request, remaining, question);
      } catch (Retryable e) {
        failures.add(e.getMessage());
        lastCause = e.getCause() != null ? e.getCause() : lastCause;
      }
      Duration backoff = retry.backoffAfter(attempt);
      if (attempt >= retry.maxAttempts() || nanoTime.getAsLong() + backoff.toNanos() >= deadline) {
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - start);
        throw new ProbeException("Could not ask Prometheus at " + base + " (" + question + "): " + attempt
            + " attempt(s) in " + elapsedMillis + " ms failed: " + String.join("; ", failures)
            + ". Check that Prometheus is up and reachable from here, or raise the probe timeout ("
            + retry.deadline().toMillis() + " ms)", lastCause);
      }
      pause(backoff, question);
    }
  }

  private Answer attempt(Request request, long timeoutNanos, String question) throws Retryable {
    Call call = client.newCall(request);
    call.timeout().timeout(timeoutNanos, TimeUnit.NANOSECONDS);
    try (Response response = call.execute()) {
      String body = BoundedBodies.readUtf8(response.body(), maxResponseBytes);
      return interpret(response.code(), response.header("Content-Type", ""), body, question);
    } catch (BoundedBodies.BodyTooLargeException e) {
      throw tooLarge(request, question, e);
    } catch (InterruptedIOException e) {
      throw new Retryable("timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", e);
    } catch (IOException e) {
      throw new Retryable(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  private ProbeException tooLarge(Request request, String question, BoundedBodies.BodyTooLargeException e) {
    HttpUrl asked = request.url().newBuilder().query(null).build();
    return new ProbeException("Prometheus at " + asked + " answered " + question + " with more than " + e.bound()
        + " bytes (prometheus.maxResponseBytes), so the client stopped reading: " + e.getMessage()
        + ". Narrow the query (more label matchers, an aggregation such as sum by (...), a shorter range or a "
        + "larger step) or raise prometheus.maxResponseBytes", e);
  }

  private Answer interpret(int code, String contentType, String body, String question) throws Retryable {
    if (code == 401 || code == 403) {
      throw new ProbeException("Prometheus at " + base + " refused " + question + " with HTTP " + code
          + "; check the bearer token or basic-auth credentials configured for prometheus (not shown here)");
    }
    if (!contentType.toLowerCase(java.util.Locale.ROOT).contains("json")) {
      if (code >= 500 || code == 429) {
        throw new Retryable("HTTP " + code + " (" + contentType + "): " + snippet(body), null);
      }
      throw new ProbeException("Prometheus at " + base + " answered " + question + " with HTTP " + code
          + " and Content-Type '" + contentType + "' instead of JSON: '" + snippet(body)
          + "'; is prometheus.url the Prometheus server itself, not a proxy or login page?");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      if (code >= 500) {
        throw new Retryable("HTTP " + code + " with malformed JSON: " + snippet(body), e);
      }
      throw new ProbeException("Prometheus at " + base + " answered " + question + " with malformed JSON (HTTP "
          + code + "): " + e.getOriginalMessage() + "; body starts '" + snippet(body) + "'", e);
    }
    String status = root == null ? "" : root.path("status").asText("");
    if ("success".equals(status) && code >= 200 && code < 300) {
      List<String> warnings = new ArrayList<>();
      root.path("warnings").forEach(w -> warnings.add(w.asText()));
      return new Answer(root.path("data"), warnings);
    }
    if (!"error".equals(status)) {
      throw new ProbeException("Prometheus at " + base + " answered " + question + " with HTTP " + code
          + " and JSON that is not the API envelope (no status success/error): '" + snippet(body) + "'");
    }
    String errorType = root.path("errorType").asText("");
    String error = root.path("error").asText("");
    switch (errorType) {
      case "bad_data", "execution" -> throw new ProbeException("Prometheus at " + base + " rejected " + question
          + " (" + errorType + ", HTTP " + code + "): " + error + "; fix the PromQL or its parameters");
      case "timeout", "canceled", "unavailable", "internal" ->
          throw new Retryable(errorType + " (HTTP " + code + "): " + error, null);
      default -> {
        if (code >= 500) {
          throw new Retryable(errorType + " (HTTP " + code + "): " + error, null);
        }
        throw new ProbeException("Prometheus at " + base + " could not answer " + question + " ("
            + errorType + ", HTTP " + code + "): " + error);
      }
    }
  }

  private void pause(Duration backoff, String question) {
    try {
      sleeper.sleep(backoff);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProbeException("Interrupted while retrying " + question + " against Prometheus at " + base, e);
    }
  }

  private static String snippet(String body) {
    String flat = body.strip().replaceAll("\\s+", " ");
    return flat.length() <= 160 ? flat : flat.substring(0, 160) + "...";
  }

  /** A failure worth another attempt; its message goes into the final report. */
  private static final class Retryable extends Exception {
    private static final long serialVersionUID = 1L;

    Retryable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
