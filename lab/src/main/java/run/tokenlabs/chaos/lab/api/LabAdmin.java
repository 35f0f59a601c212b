package run.tokenlabs.chaos.lab.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import run.tokenlabs.chaos.lab.http.HttpServers;

/**
 * The lab's admin endpoint, for people and for tools outside the JVM:
 * <ul>
 *   <li>{@code GET /endpoints}: every URL of the lab and the kubeconfig path;</li>
 *   <li>{@code GET /faults/{model}}: the armed faults;</li>
 *   <li>{@code POST /faults/{model}} with any of {@code {"cutAfterTokens":N, "resetRate":0..1,
 *       "errorRate":0..1, "errorStatus":5xx, "stallMillis":N, "slowdown":F}};</li>
 *   <li>{@code DELETE /faults/{model}}: disarm all;</li>
 *   <li>{@code POST /chunked-prefill/{model}?enabled=true|false}.</li>
 * </ul>
 */
final class LabAdmin implements AutoCloseable {
  private final Lab lab;
  private final HttpServer server;
  private final ObjectMapper json = new ObjectMapper();

  LabAdmin(Lab lab) throws IOException {
    this.lab = lab;
    this.server = HttpServers.create(InetAddress.getLoopbackAddress(), "lab-admin", 4);
    server.createContext("/endpoints", ex -> HttpServers.json(ex, 200, endpoints()));
    server.createContext("/faults/", this::faults);
    server.createContext("/chunked-prefill/", this::chunkedPrefill);
    server.start();
  }

  URI uri() {
    return HttpServers.baseUri(server);
  }

  private String endpoints() throws IOException {
    ObjectNode root = json.createObjectNode();
    root.put("profile", lab.profile().name());
    root.put("gateway", lab.gatewayUrl().toString());
    root.put("gatewayStats", lab.gatewayStatsUrl().toString());
    root.put("prometheus", lab.prometheusUrl().toString());
    root.put("kubernetesApi", lab.kubernetesApiUrl().toString());
    root.put("kubeconfig", lab.kubeconfigPath().toString());
    root.put("kubeStateMetrics", lab.kubeStateMetricsUrl().toString());
    root.put("admin", uri().toString());
    ObjectNode models = root.putObject("models");
    lab.modelUrls().forEach((m, u) -> models.put(m, u.toString()));
    var dcgm = root.putArray("dcgmExporters");
    lab.dcgmExporterUrls().forEach(u -> dcgm.add(u.toString()));
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private void faults(HttpExchange ex) throws IOException {
    String model = ex.getRequestURI().getPath().substring("/faults/".length());
    ModelFaults faults;
    try {
      faults = lab.faults(model);
    } catch (IllegalArgumentException e) {
      HttpServers.json(ex, 404, error(e.getMessage()));
      return;
    }
    try {
      switch (ex.getRequestMethod()) {
        case "GET":
          break;
        case "DELETE":
          faults.clear();
          break;
        case "POST":
          apply(faults, json.readTree(HttpServers.readBody(ex)));
          break;
        default:
          HttpServers.json(ex, 405, error("use GET, POST or DELETE"));
          return;
      }
      HttpServers.json(ex, 200, faults.describe());
    } catch (IllegalArgumentException | IOException e) {
      HttpServers.json(ex, 400, error(e.getMessage()));
    }
  }

  private static void apply(ModelFaults faults, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("expected a JSON object such as {\"cutAfterTokens\": 5}");
    }
    if (body.has("cutAfterTokens")) {
      faults.cutStreamsAfter(body.get("cutAfterTokens").asInt());
    }
    if (body.has("resetRate")) {
      faults.resetConnections(body.get("resetRate").asDouble());
    }
    if (body.has("errorRate")) {
      faults.failRequests(body.get("errorRate").asDouble(), body.path("errorStatus").asInt(500));
    }
    if (body.has("stallMillis")) {
      faults.stall(Duration.ofMillis(body.get("stallMillis").asLong()));
    }
    if (body.has("slowdown")) {
      faults.slowSteps(body.get("slowdown").asDouble());
    }
  }

  private void chunkedPrefill(HttpExchange ex) throws IOException {
    String model = ex.getRequestURI().getPath().substring("/chunked-prefill/".length());
    String query = String.valueOf(ex.getRequestURI().getQuery());
    if (!"POST".equals(ex.getRequestMethod()) || !query.matches("enabled=(true|false)")) {
      HttpServers.json(ex, 400, error("use POST /chunked-prefill/{model}?enabled=true|false"));
      return;
    }
    try {
      lab.setChunkedPrefill(model, query.endsWith("true"));
      HttpServers.json(ex, 200, "{\"model\":\"" + model + "\",\"chunkedPrefill\":" + query.endsWith("true") + "}");
    } catch (IllegalArgumentException e) {
      HttpServers.json(ex, 404, error(e.getMessage()));
    }
  }

  private String error(String message) throws IOException {
    return json.writeValueAsString(json.createObjectNode().put("error", message));
  }

  @Override
  public void close() {
    HttpServers.stop(server);
  }
}
