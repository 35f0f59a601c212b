package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.Sample;
import run.tokenlabs.chaos.scenarios.experiments.support.RoutingLayer;
import run.tokenlabs.chaos.scenarios.experiments.support.ServingFamilies;

/**
 * LLMD-1 of the reference run, the boundary inventory: what each model server exports (series and
 * families per server, through Prometheus), whether the families the game day's rules and experiments
 * query are there, and what routes requests to the servers (plain Gateway API HTTPRoutes, or the llm-d
 * endpoint picker's InferencePools), read as Kubernetes objects. The inventory is the measurement; it
 * deviates only when a model server lacks a required family or exports nothing at all.
 */
@ChaosExperiment(id = "LLMD-1", title = "Boundary inventory: serving metrics per model server, required families, "
    + "routing layer")
class BoundaryInventoryIT {
  static final String NAMESPACE = "token-labs";
  static final String VLLM_SERIES = "vLLM series";
  static final String SGLANG_SERIES = "SGLang series";
  static final String FAMILIES = "serving metric families";
  static final String REQUIRED_MISSING = "required families missing";
  static final String HTTP_ROUTES = "HTTPRoutes";
  static final String POOLS = "InferencePools";
  static final String NO_PICKER = "No endpoint picker: plain HTTPRoutes";
  static final String PICKER = "Endpoint picker in front of some models";
  /** Per series name and the labels that tell a model server apart. */
  static final String PROMQL = "count by (pod, instance, model_name, __name__) ({__name__=~\"(vllm|sglang):.+\"})";

  @Test
  @DisplayName("every model server exports the families the rules and experiments query; the routing layer is read "
      + "from HTTPRoutes and InferencePools")
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = NO_PICKER,
      keyNumbers = {VLLM_SERIES, SGLANG_SERIES, FAMILIES, REQUIRED_MISSING, HTTP_ROUTES, POOLS})
  @ExpectedOnLab(profile = "h200", verdict = Verdict.HELD, findings = PICKER,
      keyNumbers = {VLLM_SERIES, SGLANG_SERIES, FAMILIES, REQUIRED_MISSING, HTTP_ROUTES, POOLS})
  void inventory(Chaos chaos, Probes probes) {
    Set<String> models = chaos.target().models().keySet();
    PrometheusClient prometheus = probes.prometheus().client();
    Map<String, Server> servers = Awaiting.reading("Prometheus to hold serving series for every model " + models,
            () -> servers(prometheus))
        .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(500))
        .until(s -> s.values().stream().map(Server::model).collect(Collectors.toSet()).containsAll(models));
    chaos.evidence("serving series per model server", "PromQL: " + PROMQL + "\n" + describe(servers));

    Set<String> families = servers.values().stream().flatMap(s -> s.families().stream())
        .collect(Collectors.toCollection(TreeSet::new));
    recordSeries(chaos, servers, VLLM_SERIES, "vllm:", "reference run (one vLLM server): 91");
    recordSeries(chaos, servers, SGLANG_SERIES, "sglang:", "the reference run counted vLLM only");
    chaos.record(new KeyNumber(FAMILIES, families.size(), "families", "distinct vllm:/sglang: families over "
        + servers.size() + " server(s); reference run: 35 confirmed, including TTFT, TPOT and KV cache %; of those "
        + ServingFamilies.HEADLINE + " present: "
        + ServingFamilies.HEADLINE.stream().filter(f -> ServingFamilies.present(f, families)).toList()));

    List<String> missing = new ArrayList<>();
    for (Server s : servers.values()) {
      for (String family : ServingFamilies.missing(s.engine(), s.seriesNames())) {
        missing.add(s.name() + ": " + family);
        chaos.record(new Finding("Required metric family missing: " + family, "Model server " + s.name()
            + " (model " + s.model() + ") exports no " + family + ", which " + ServingFamilies.REQUIRED.get(family)
            + " query; they see no data for it. Enable the metric on the server (SGLang needs --enable-metrics) "
            + "or check its scrape config.", describe(Map.of(s.name(), s))));
      }
    }
    chaos.record(new KeyNumber(REQUIRED_MISSING, missing.size(), "families", "over " + servers.size() + " server(s), "
        + "of " + ServingFamilies.REQUIRED.keySet() + ": " + missing));

    RoutingLayer routing = RoutingLayer.read(chaos.target().kubernetes(), NAMESPACE);
    chaos.evidence("routing layer in front of the models", routing.describe());
    chaos.record(new KeyNumber(HTTP_ROUTES, routing.routes().size(), "routes", routing.routes().stream()
        .map(r -> r.name() + " -> " + r.backends()).toList().toString()));
    chaos.record(new KeyNumber(POOLS, routing.pools().size(), "pools", "InferencePools in " + NAMESPACE + ": "
        + routing.pools() + (routing.notInstalled().isEmpty() ? "" : "; not installed: " + routing.notInstalled())));
    chaos.record(routingFinding(routing));

    assertThat(missing).as("required families missing per model server (each is a finding)").isEmpty();
  }

  static Finding routingFinding(RoutingLayer routing) {
    if (!routing.hasEndpointPicker()) {
      return new Finding(NO_PICKER, "Routing to the models is plain Gateway API HTTPRoutes to Services ("
          + routing.routes().size() + " route(s)); no route sends requests through an llm-d endpoint picker "
          + "(InferencePool), so the gateway balances without knowing each server's queue or KV cache. The "
          + "reference run found the same.", routing.describe());
    }
    List<String> picked = routing.routes().stream().filter(RoutingLayer.Route::viaEndpointPicker)
        .map(RoutingLayer.Route::name).toList();
    List<String> plain = routing.routes().stream().filter(r -> !r.viaEndpointPicker())
        .map(RoutingLayer.Route::name).toList();
    return new Finding(PICKER, "Routes " + picked + " send requests through an endpoint picker (InferencePool "
        + routing.pools() + "), which picks the pod by queue and KV cache; routes " + plain + " go to Services "
        + "directly.", routing.describe());
  }

  private static void recordSeries(Chaos chaos, Map<String, Server> servers, String name, String engine,
      String reference) {
    List<Server> of = servers.values().stream().filter(s -> s.engine().equals(engine)).toList();
    chaos.record(new KeyNumber(name, of.stream().mapToLong(Server::series).sum(), "series", engine + "* series over "
        + of.stream().map(s -> s.name() + " " + s.series()).toList() + "; " + reference));
  }

  /** The serving series grouped per model server: its pod, or its scrape instance when it has no pod label. */
  static Map<String, Server> servers(PrometheusClient prometheus) {
    Map<String, List<Sample>> byServer = new TreeMap<>();
    if (prometheus.query(PROMQL) instanceof QueryResult.Vector v) {
      for (Sample s : v.samples()) {
        String pod = s.labels().getOrDefault("pod", "");
        byServer.computeIfAbsent(pod.isEmpty() ? s.labels().getOrDefault("instance", "") : pod,
            k -> new ArrayList<>()).add(s);
      }
    }
    Map<String, Server> servers = new TreeMap<>();
    byServer.forEach((name, samples) -> servers.put(name, Server.of(name, samples)));
    return servers;
  }

  /**
   * One model server's serving series.
   *
   * @param name its pod (or instance)
   * @param model the model_name its series carry
   * @param engine {@code vllm:} or {@code sglang:}, from its series names
   * @param seriesByName series count per series name
   */
  record Server(String name, String model, String engine, Map<String, Long> seriesByName) {
    static Server of(String name, List<Sample> samples) {
      Map<String, Long> byName = new TreeMap<>();
      String model = "";
      for (Sample s : samples) {
        byName.merge(s.labels().get("__name__"), (long) s.value(), Long::sum);
        model = model.isEmpty() ? s.labels().getOrDefault("model_name", "") : model;
      }
      String engine = byName.keySet().stream().map(ServingFamilies::engineOf).findFirst().orElse("");
      return new Server(name, model, engine, byName);
    }

    Set<String> seriesNames() {
      return seriesByName.keySet();
    }

    long series() {
      return seriesByName.values().stream().mapToLong(Long::longValue).sum();
    }

    Set<String> families() {
      return seriesByName.keySet().stream().map(ServingFamilies::familyOf)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static String describe(Map<String, Server> servers) {
    StringBuilder out = new StringBuilder();
    servers.values().forEach(s -> out.append(s.name()).append(" (model ").append(s.model()).append(", ")
        .append(s.engine()).append("): ").append(s.series()).append(" series in ").append(s.families().size())
        .append(" families: ").append(s.seriesByName()).append('\n'));
    return out.toString();
  }
}
