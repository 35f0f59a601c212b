package run.tokenlabs.chaos.probes.api;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.probes.exposition.ExpositionParseException;
import run.tokenlabs.chaos.probes.exposition.ExpositionParser;

/**
 * The DCGM field inventory per GPU, read straight from dcgm-exporter endpoints or through
 * Prometheus, and compared with an expected list.
 */
public final class DcgmProbes {
  static final String INVENTORY_PROMQL =
      "count by (__name__, Hostname, gpu, UUID, modelName) ({__name__=~\"DCGM_FI_.*\"})";

  private final List<URI> exporters;
  private final Supplier<PrometheusProbes> prometheus;
  private final Duration timeout;

  DcgmProbes(Target target, Duration timeout, Supplier<PrometheusProbes> prometheus) {
    this(target.dcgmExporters(), prometheus, timeout);
  }

  private DcgmProbes(List<URI> exporters, Supplier<PrometheusProbes> prometheus, Duration timeout) {
    this.exporters = List.copyOf(exporters);
    this.prometheus = prometheus;
    this.timeout = timeout;
  }

  /** DCGM probes over explicit sources; {@code prometheus} may be null. */
  public static DcgmProbes using(List<URI> exporters, PrometheusClient prometheus, Duration timeout) {
    return new DcgmProbes(exporters, prometheus == null ? null : () -> PrometheusProbes.using(prometheus), timeout);
  }

  /** Whether there is anything to ask: exporter URLs or a Prometheus. */
  public boolean hasSource() {
    return !exporters.isEmpty() || prometheus != null;
  }

  /** The inventory from the exporters when the target lists any, otherwise through Prometheus. */
  public DcgmInventory inventory() {
    if (!exporters.isEmpty()) {
      return fromExporters();
    }
    if (prometheus != null) {
      return fromPrometheus();
    }
    throw new ProbeException("The target lists no DCGM exporter and has no Prometheus; configure "
        + "endpoints.dcgmExporters or prometheus.url");
  }

  /** Scrapes every exporter once; an exporter that does not answer is a {@link ProbeException}. */
  public DcgmInventory fromExporters() {
    Map<Gpu, Set<String>> fields = new HashMap<>();
    for (URI exporter : exporters) {
      String text;
      try {
        text = Scrapes.fetch(Scrapes.oneShotClient(), exporter, timeout);
      } catch (IOException e) {
        throw new ProbeException("DCGM exporter " + exporter + " did not answer: " + e.getMessage()
            + "; check the dcgm-exporter pod on that node", e);
      }
      try {
        ExpositionParser.scan(text, name -> name.startsWith("DCGM_FI_"),
            (name, labels, value) -> fields.computeIfAbsent(gpu(labels), g -> new TreeSet<>()).add(name));
      } catch (ExpositionParseException e) {
        throw new ProbeException("DCGM exporter " + exporter + " served an exposition that does not parse: "
            + e.getMessage(), e);
      }
    }
    return new DcgmInventory("exporter " + exporters, fields);
  }

  /** Asks Prometheus which {@code DCGM_FI_*} series exist now (stale ones do not count). */
  public DcgmInventory fromPrometheus() {
    if (prometheus == null) {
      throw new ProbeException("No Prometheus to read the DCGM inventory from; configure prometheus.url");
    }
    PrometheusClient client = prometheus.get().client();
    QueryResult result = client.query(INVENTORY_PROMQL);
    Map<Gpu, Set<String>> fields = new HashMap<>();
    if (result instanceof QueryResult.Vector vector) {
      for (Sample sample : vector.samples()) {
        fields.computeIfAbsent(gpu(sample.labels()), g -> new TreeSet<>()).add(sample.labels().get("__name__"));
      }
    }
    return new DcgmInventory("prometheus " + client.url(), fields);
  }

  /** The comparison with {@code expected} as a probe, e.g. {@code .is(satisfies("complete", Comparison::complete))}. */
  public Probe<DcgmInventory.Comparison> comparedTo(Collection<DcgmField> expected) {
    return Probe.of("DCGM fields " + expected.stream().map(DcgmField::describe).toList(), () -> {
      DcgmInventory inventory = inventory();
      return inventory.gpus().isEmpty() ? Reading.noData("no GPU seen (" + inventory.source() + ")")
          : Reading.of(inventory.compareTo(expected));
    });
  }

  private static Gpu gpu(Map<String, String> labels) {
    return new Gpu(labels.getOrDefault("Hostname", ""), labels.getOrDefault("gpu", ""),
        labels.getOrDefault("UUID", ""), labels.getOrDefault("modelName", ""));
  }
}
