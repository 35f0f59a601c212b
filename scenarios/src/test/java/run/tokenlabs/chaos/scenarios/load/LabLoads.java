package run.tokenlabs.chaos.scenarios.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.ModelProfile;
import run.tokenlabs.chaos.lab.api.ModelStats;
import run.tokenlabs.chaos.load.api.ApiFlavor;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;

/**
 * What the load-generator ITs share: endpoints of the shared lab (through its gateway or straight to
 * a model pod), the ledger checks every run must pass, and the server-side figures the tests compare
 * the client's measurements with (the simulator's pacing, its token counter, the gateway's counters).
 */
final class LabLoads {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LabLoads() {}

  /** The model through the lab's Envoy-like gateway, as clients in the cluster reach it. */
  static Endpoint viaGateway(Lab lab, String model, ApiFlavor api) {
    return endpoint(lab.gatewayUrl(), model, api);
  }

  /** The model's pod itself, bypassing the gateway. */
  static Endpoint direct(Lab lab, String model) {
    return direct(lab, model, ApiFlavor.COMPLETIONS);
  }

  static Endpoint direct(Lab lab, String model, ApiFlavor api) {
    URI pod = lab.modelUrl(model).orElseThrow(() -> new IllegalStateException(
        "The lab has no pod serving '" + model + "'; models served now: " + lab.modelUrls().keySet()));
    return endpoint(pod, model, api);
  }

  private static Endpoint endpoint(URI base, String model, ApiFlavor api) {
    return api == ApiFlavor.CHAT ? Endpoint.chat(base.toString(), model) : Endpoint.completions(base.toString(), model);
  }

  /** Every scheduled request is in exactly one class and the run reports no defect of its own. */
  static void assertLedgerBalanced(LoadResult result, long expectedScheduled) {
    assertThat(result.errors()).as("run errors of %s", result).isEmpty();
    assertThat(result.ledger().scheduled()).as("scheduled, %s", result.ledger()).isEqualTo(expectedScheduled);
    assertThat(result.ledger().balanced()).as("ledger balanced: %s", result.ledger()).isTrue();
    assertThat(result.records()).as("one record per scheduled request").hasSize((int) expectedScheduled);
    long sum = 0;
    for (Outcome o : Outcome.values()) {
      long n = result.records().stream().filter(r -> r.outcome() == o).count();
      assertThat(result.ledger().count(o)).as("ledger count of %s equals its records", o).isEqualTo(n);
      sum += n;
    }
    assertThat(sum).isEqualTo(expectedScheduled);
  }

  /**
   * The least wall time one scheduler step of the model takes: the cost model's fixed part, scaled by
   * the lab's clock. Every generated token costs at least one step, so it bounds latencies from below.
   */
  static Duration minStep(Lab lab, String model) {
    ModelProfile m = lab.profile().model(model);
    return seconds(m.stepFixedSeconds() * lab.profile().timeScale());
  }

  /** The least wall time the prefill step of a prompt takes (fixed part plus per-token part, scaled). */
  static Duration minPrefill(Lab lab, String model, int promptTokens) {
    ModelProfile m = lab.profile().model(model);
    return seconds((m.stepFixedSeconds() + promptTokens * m.prefillTokenSeconds()) * lab.profile().timeScale());
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos((long) (s * 1e9));
  }

  /** Tokens the simulator generated for the model so far, over all its pods now running. */
  static long generatedTokens(Lab lab, String model) {
    return lab.modelStats(model).stream().mapToLong(ModelStats::generationTokens).sum();
  }

  static int runningRequests(Lab lab, String model) {
    return lab.modelStats(model).stream().mapToInt(ModelStats::running).sum();
  }

  /** The gateway's {@code envoy_cluster_upstream_rq_xx} for the model's route and a class ({@code "2"}, {@code "5"}). */
  static long gatewayUpstreamRequests(Lab lab, String model, String codeClass) throws IOException, InterruptedException {
    String text = get(lab.gatewayStatsUrl());
    Pattern line = Pattern.compile("^envoy_cluster_upstream_rq_xx\\{(?=[^}]*envoy_cluster_name=\"httproute/token-labs/"
        + Pattern.quote(model) + "/rule/0\")(?=[^}]*envoy_response_code_class=\"" + codeClass + "\")[^}]*}\\s+(\\S+)$",
        Pattern.MULTILINE);
    Matcher m = line.matcher(text);
    if (!m.find()) {
      throw new AssertionError("No envoy_cluster_upstream_rq_xx sample for model " + model + " class " + codeClass
          + " in the gateway stats:\n" + text);
    }
    return (long) Double.parseDouble(m.group(1));
  }

  /** Status of a small non-streaming completion through the gateway: 200 once the model has a Ready pod. */
  static int gatewayAnswers(Lab lab, String model) {
    try {
      var request = HttpRequest.newBuilder(lab.gatewayUrl().resolve("/v1/completions"))
          .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"model\":\"" + model + "\",\"prompt\":\"ping\",\"max_tokens\":2,\"stream\":false}"))
          .build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static String get(URI uri) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }
}
