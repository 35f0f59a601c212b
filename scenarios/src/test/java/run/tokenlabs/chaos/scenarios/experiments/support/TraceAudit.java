package run.tokenlabs.chaos.scenarios.experiments.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.Trace;
import run.tokenlabs.chaos.probes.api.TraceBackend;
import run.tokenlabs.chaos.probes.api.TraceSpan;

/**
 * Trace coverage of the request path, measured end to end: requests with known W3C trace ids sent through
 * the gateway to every model, then each trace read back from the trace backend. Per hop (the gateway, each
 * model server): whether its spans reached the backend under the request's trace, and whether it continued
 * and passed on the context (its span's parent is the caller's). Coverage is the share of requests whose
 * trace holds a span of every hop. A broken hop becomes a finding naming the likely cause from what was
 * seen: a model span whose parent is not stored means the gateway propagated but its spans were not
 * ingested (export path); no model span in the trace means the model server did not continue the trace
 * (propagation, or no spans at all).
 */
public final class TraceAudit {
  /** The gateway's service name in its spans on the lab; elsewhere set {@value #GATEWAY_SERVICE_PROPERTY}. */
  public static final String GATEWAY = "envoy-gateway";
  /** The service name the gateway's tracer gives its spans on the target (Envoy's tracer service name). */
  public static final String GATEWAY_SERVICE_PROPERTY = "tokenlabs.trace.gatewayService";
  /** Prefix of the property naming a model server's service ({@code OTEL_SERVICE_NAME}); default: the model's name. */
  public static final String MODEL_SERVICE_PROPERTY = "tokenlabs.trace.service.";
  public static final String COVERAGE = "end-to-end trace coverage (client -> gateway -> model)";
  public static final String IN_BACKEND = "spans in the trace backend: ";
  public static final String BROKEN_HOP = "broken trace hop: ";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String gateway = System.getProperty(GATEWAY_SERVICE_PROPERTY, GATEWAY);
  private final Map<String, String> modelOf = new LinkedHashMap<>();
  private final Map<String, String> clientSpan = new LinkedHashMap<>();
  private final Map<String, Trace> traces = new LinkedHashMap<>();
  /** Per hop, the share of requests whose trace holds its span, in percent (the chart's bars). */
  private final Map<String, Double> inBackend = new LinkedHashMap<>();
  private final List<String> brokenHops = new ArrayList<>();
  private final java.time.Instant started = java.time.Instant.now();
  private double coverage;

  private TraceAudit() {
  }

  /**
   * Sends {@code perModel} completions to each model of the target through its gateway, each with its own
   * trace id, and reads their traces back (waiting at most {@code settle} for spans to be exported).
   *
   * @throws ProbeException when the backend cannot be asked
   */
  public static TraceAudit run(Chaos chaos, Probes probes, int perModel, Duration settle) {
    TraceBackend backend = probes.traces();
    URI gateway = chaos.target().gateway().orElseThrow(() -> new ProbeException("Target '" + chaos.target().name()
        + "' has no gateway; configure endpoints.gateway"));
    TraceAudit audit = new TraceAudit();
    for (String model : new TreeSet<>(chaos.target().models().keySet())) {
      for (int i = 0; i < perModel; i++) {
        audit.send(gateway, model);
      }
    }
    Awaiting.reading("traces of " + audit.modelOf.size() + " requests in " + backend.describe(), () -> audit.read(backend))
        .atMost(settle).pollEvery(Duration.ofMillis(500)).untilOrEmpty(complete -> complete);
    audit.judge(chaos, backend);
    return audit;
  }

  private void send(URI gateway, String model) {
    String trace = hex(16);
    String span = hex(8);
    HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/completions")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("traceparent", "00-" + trace + "-" + span + "-01")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"prompt\":\"trace\",\"max_tokens\":2}"))
        .build();
    try {
      if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
        modelOf.put(trace, model);
        clientSpan.put(trace, span);
      }
    } catch (java.io.IOException e) {
      throw new ProbeException("the gateway " + gateway + " did not answer a traced completion of " + model + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProbeException("interrupted while sending traced requests", e);
    }
  }

  /** Reads every trace once; true when each holds a span of every hop. */
  private boolean read(TraceBackend backend) {
    modelOf.keySet().forEach(id -> backend.trace(id).ifPresentOrElse(t -> traces.put(id, t), () -> traces.remove(id)));
    return !modelOf.isEmpty() && modelOf.keySet().stream().allMatch(this::covered);
  }

  private boolean covered(String id) {
    Trace trace = traces.get(id);
    return trace != null && trace.services().contains(gateway) && trace.services().contains(service(modelOf.get(id)));
  }

  private void judge(Chaos chaos, TraceBackend backend) {
    int requests = modelOf.size();
    long covered = modelOf.keySet().stream().filter(this::covered).count();
    coverage = requests == 0 ? 0 : 100.0 * covered / requests;
    chaos.evidence("traces of the audit's requests in " + backend.describe(), evidence());
    chaos.record(new KeyNumber(COVERAGE, coverage, "%", covered + " of " + requests + " requests with a span of the "
        + "gateway and of their model in their trace, read from " + backend.describe()));
    gatewayHop(chaos, requests);
    for (String model : new TreeSet<>(modelOf.values())) {
      modelHop(chaos, backend, model);
    }
    chart(chaos);
  }

  /** The per-hop key numbers as one chart: which hop's spans reach the request's trace, and end to end. */
  private void chart(Chaos chaos) {
    List<String> hops = new ArrayList<>(inBackend.keySet());
    hops.add("end to end");
    List<double[]> bars = new ArrayList<>();
    for (int i = 0; i < hops.size() - 1; i++) {
      bars.add(new double[] {i, inBackend.get(hops.get(i))});
    }
    bars.add(new double[] {hops.size() - 1, coverage});
    ChartEvidence.bars("Trace coverage per hop", hops).x("hop", false).y("requests whose trace holds its span (%)")
        .series("spans in the request's trace", bars, false, false)
        .note(modelOf.size() + " traced requests; end to end: a span of the gateway and of the model").record(chaos);
  }

  private void gatewayHop(Chaos chaos, int requests) {
    long stored = modelOf.keySet().stream().filter(id -> spans(id, gateway).findAny().isPresent()).count();
    long continued = modelOf.keySet().stream().filter(id -> spans(id, gateway)
        .anyMatch(s -> s.parentId().equals(clientSpan.get(id)))).count();
    long orphanModelSpans = modelOf.keySet().stream().filter(id -> spans(id, service(modelOf.get(id)))
        .anyMatch(s -> !s.isRoot() && spans(id, gateway).noneMatch(g -> g.spanId().equals(s.parentId())))).count();
    inBackend.put(gateway, percent(stored, requests));
    chaos.record(new KeyNumber(IN_BACKEND + gateway, percent(stored, requests), "%", stored + " of " + requests
        + " traces hold a gateway span; " + continued + " continue the client's span"));
    if (stored < requests && orphanModelSpans > 0) {
      broken(chaos, gateway, "spans created but not ingested (export path)", "The gateway passed the trace on ("
          + orphanModelSpans + " model spans have a gateway span as parent) but " + (requests - stored) + " of "
          + requests + " traces hold no gateway span: its exporter's reports do not reach the backend. Check the "
          + "tracer's counters (envoy_tracing_zipkin_reports_dropped / _failed, or the OTLP exporter's) and that "
          + "the collector listener takes the protocol and port the gateway sends (the reference run: OTLP over "
          + "h2c to a listener that did not accept it)");
    } else if (stored < requests) {
      broken(chaos, gateway, "no span in the request's trace", (requests - stored) + " of " + requests
          + " traces hold no gateway span and no model span points at one: tracing is off or its spans are lost");
    } else if (continued < requests) {
      broken(chaos, gateway, "context not continued (propagation)", (requests - continued) + " of " + requests
          + " gateway spans do not continue the client's traceparent");
    }
  }

  private void modelHop(Chaos chaos, TraceBackend backend, String model) {
    List<String> ids = modelOf.entrySet().stream().filter(e -> e.getValue().equals(model)).map(Map.Entry::getKey)
        .toList();
    long stored = ids.stream().filter(id -> spans(id, service(model)).findAny().isPresent()).count();
    inBackend.put(model, percent(stored, ids.size()));
    chaos.record(new KeyNumber(IN_BACKEND + model, percent(stored, ids.size()), "%", stored + " of " + ids.size()
        + " traces through the gateway hold a span of " + model));
    if (stored == ids.size()) {
      return;
    }
    // are its spans elsewhere (traces of their own) or nowhere? The backend's search by service tells
    List<String> elsewhere = backend.traceIds(service(model), started.minusSeconds(1), java.time.Instant.now(), 50)
        .stream().filter(id -> !modelOf.containsKey(id)).toList();
    chaos.evidence("traces of service " + service(model) + " since the audit started, outside its requests' traces",
        elsewhere.isEmpty() ? "none" : String.join("\n", elsewhere));
    String lost = (ids.size() - stored) + " of " + ids.size() + " requests to " + model + " have no span of it in "
        + "their trace";
    if (!elsewhere.isEmpty()) {
      broken(chaos, model, "spans in traces of their own (propagation)", lost + ", while " + elsewhere.size()
          + " other traces hold its spans: it emits spans but does not continue the traceparent it receives");
    } else {
      broken(chaos, model, "no span emitted", lost + " and the backend holds none of its spans since the audit "
          + "started: it emits none (vLLM started without --otlp-traces-endpoint, or with its OTLP settings not "
          + "yet active: they take effect on a pod restart) or they are lost on the way");
    }
  }

  /** The service name of a model server's spans. */
  private static String service(String model) {
    return System.getProperty(MODEL_SERVICE_PROPERTY + model, model);
  }

  private void broken(Chaos chaos, String hop, String cause, String statement) {
    brokenHops.add(hop + ": " + cause);
    chaos.record(new Finding(BROKEN_HOP + hop + ": " + cause, statement, evidence()));
  }

  private java.util.stream.Stream<TraceSpan> spans(String id, String service) {
    return Optional.ofNullable(traces.get(id)).stream().flatMap(t -> t.spans().stream())
        .filter(s -> s.service().equals(service));
  }

  private String evidence() {
    return modelOf.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ", client span "
        + clientSpan.get(e.getKey()) + "): " + Optional.ofNullable(traces.get(e.getKey())).map(t -> t.spans().stream()
        .map(s -> s.service() + "/" + s.name() + " " + s.spanId() + "<-" + (s.isRoot() ? "root" : s.parentId()))
        .collect(Collectors.joining(", "))).orElse("no trace"))
        .collect(Collectors.joining("\n"));
  }

  /** Share of requests whose trace holds a span of every hop, in percent. */
  public double coverage() {
    return coverage;
  }

  /** The broken hops with their likely cause, empty when every hop is covered. */
  public List<String> brokenHops() {
    return List.copyOf(brokenHops);
  }

  private static double percent(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  private static String hex(int bytes) {
    byte[] id = new byte[bytes];
    RANDOM.nextBytes(id);
    id[0] |= 1; // never all zeros, which W3C trace context treats as invalid
    return HexFormat.of().formatHex(id);
  }
}
