package run.tokenlabs.chaos.probes.api;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.probes.prometheus.PrometheusClients;
import run.tokenlabs.chaos.probes.prometheus.RetryPolicy;

/** A MockWebServer that plays a script of API answers, repeating the last one forever. */
final class ScriptedPrometheus implements AutoCloseable {
  private final MockWebServer server = new MockWebServer();
  private final List<String> script = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  final List<String> requests = new CopyOnWriteArrayList<>();

  ScriptedPrometheus() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        requests.add(request.getUrl().encodedPath() + (request.getBody() == null ? "" : " " + request.getBody().utf8()));
        int index = Math.min(next.getAndIncrement(), script.size() - 1);
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
            .body("{\"status\":\"success\",\"data\":" + script.get(index) + "}").build();
      }
    });
    server.start();
  }

  ScriptedPrometheus then(String data) {
    script.add(data);
    return this;
  }

  PrometheusClient client() {
    return PrometheusClients.connect(PrometheusEndpoint.unauthenticated(server.url("/").uri()),
        new RetryPolicy(1, Duration.ofMillis(1), Duration.ofSeconds(2)), d -> { });
  }

  static String vector(String... samples) {
    return "{\"resultType\":\"vector\",\"result\":[" + String.join(",", samples) + "]}";
  }

  static String sample(String labelsJson, String value) {
    return "{\"metric\":" + labelsJson + ",\"value\":[1700000000.25,\"" + value + "\"]}";
  }

  static String rules(String state) {
    return "{\"groups\":[{\"name\":\"token-labs\",\"file\":\"/etc/prometheus/rules.yml\",\"interval\":1,\"rules\":["
        + "{\"state\":\"" + state + "\",\"name\":\"TokenLabsPodAbsent\",\"query\":\"absent(up{job=\\\"vllm\\\"})\","
        + "\"duration\":60,\"labels\":{\"severity\":\"page\"},\"annotations\":{},\"alerts\":[],"
        + "\"health\":\"ok\",\"lastError\":\"\",\"type\":\"alerting\",\"lastEvaluation\":\"2026-11-28T12:00:01.123456789Z\","
        + "\"evaluationTime\":0.0001},"
        + "{\"name\":\"gateway:error_ratio:rate1m\",\"query\":\"sum(rate(x[1m]))\",\"labels\":{},\"health\":\"ok\","
        + "\"lastError\":\"\",\"type\":\"recording\",\"lastEvaluation\":\"0001-01-01T00:00:00Z\"}]}]}";
  }

  @Override
  public void close() {
    server.close();
  }
}
