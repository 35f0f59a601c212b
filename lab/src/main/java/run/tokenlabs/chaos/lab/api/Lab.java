package run.tokenlabs.chaos.lab.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import run.tokenlabs.chaos.lab.dcgm.DcgmExporter;
import run.tokenlabs.chaos.lab.dcgm.GpuOccupant;
import run.tokenlabs.chaos.lab.chaosmesh.ChaosMeshController;
import run.tokenlabs.chaos.lab.gateway.Gateway;
import run.tokenlabs.chaos.lab.kube.EndpointsView;
import run.tokenlabs.chaos.lab.kube.JobController;
import run.tokenlabs.chaos.lab.kube.KubeApi;
import run.tokenlabs.chaos.lab.kube.KubeStateMetrics;
import run.tokenlabs.chaos.lab.kube.PodTarget;
import run.tokenlabs.chaos.lab.kube.Reconciler;
import run.tokenlabs.chaos.lab.kube.RolloutController;
import run.tokenlabs.chaos.lab.kube.Topology;
import run.tokenlabs.chaos.lab.prometheus.FileSd;
import run.tokenlabs.chaos.lab.prometheus.PrometheusServer;
import run.tokenlabs.chaos.lab.prometheus.RuleTranslator;
import run.tokenlabs.chaos.lab.simulator.FaultState;
import run.tokenlabs.chaos.lab.simulator.ModelServer;
import run.tokenlabs.chaos.lab.simulator.StepLoop;
import run.tokenlabs.chaos.lab.tracing.ExportStats;
import run.tokenlabs.chaos.lab.tracing.LabTracing;
import run.tokenlabs.chaos.lab.zipkin.ZipkinServer;

/**
 * A running lab: the embedded inference cluster every test breaks. Start it with
 * {@link #start(LabProfile)} or {@link LabOptions}; close it to stop everything it started,
 * including its Prometheus process.
 *
 * <p>Endpoints that follow pods ({@link #modelUrls()}) are read anew on every call, since a
 * replaced pod listens elsewhere.
 */
public final class Lab implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Lab.class.getName());
  /** Gateway stats, kube-state-metrics, Prometheus itself. */
  private static final int STATIC_TARGETS = 3;

  private final LabProfile profile;
  private final Path workDir;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Map<String, FaultState> faults = new LinkedHashMap<>();
  private SimulatorRuntime simulators;
  private KubeApi kube;
  private volatile Reconciler reconciler;
  private Gateway gateway;
  private KubeStateMetrics kubeStateMetrics;
  private final List<DcgmExporter> dcgm = new ArrayList<>();
  private PrometheusServer prometheus;
  private LabAdmin admin;
  private FileSd modelsSd;
  private volatile int expectedTargets;
  private final List<String> startupPhases = new ArrayList<>();
  /** Chosen at start so the span exporters know where to send; the server itself starts on first use. */
  private final int zipkinPort = ZipkinServer.freePort();
  private volatile ZipkinServer zipkin;
  private LabTracing tracing;

  private Lab(LabOptions options) throws IOException {
    this.profile = options.profile();
    this.workDir = Files.createTempDirectory("tokenlabs-lab-");
    try {
      startAll(options);
    } catch (IOException | RuntimeException e) {
      close(); // whatever did start must not outlive the failure
      throw e;
    }
  }

  private void startAll(LabOptions options) throws IOException {
    long t0 = System.nanoTime();
    profile.models().forEach(m -> faults.put(m.name(), new FaultState()));
    // spans go to the Zipkin server once it runs; before, their reports are skipped (no collector)
    this.tracing = own(new LabTracing(() -> Optional.ofNullable(zipkin).map(ZipkinServer::url)));
    this.simulators = new SimulatorRuntime(profile, faults, tracing);
    this.kube = own(new KubeApi(workDir));
    phase("kubernetes API", t0);
    EndpointsView endpoints = own(new EndpointsView(kube.client()));
    this.gateway = own(new Gateway(endpoints::ready, faults.keySet(), tracing));
    this.kubeStateMetrics = own(new KubeStateMetrics(kube.client()));
    for (String node : profile.nodes()) {
      dcgm.add(own(new DcgmExporter(node, profile.gpu(), () -> occupants(node))));
    }
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lab-dcgm-sampler");
      t.setDaemon(true);
      return t;
    });
    closeables.add(sampler::shutdownNow);
    sampler.scheduleAtFixedRate(this::sampleGpus, 0, 200, TimeUnit.MILLISECONDS);
    phase("gateway, DCGM exporters, kube-state-metrics", t0);

    // Prometheus starts while the cluster is seeded: its ~1-2 s boot overlaps the API work.
    this.modelsSd = new FileSd(workDir.resolve("sd-models.json"));
    modelsSd.write(List.of());
    FileSd dcgmSd = new FileSd(workDir.resolve("sd-dcgm.json"));
    dcgmSd.write(List.of());
    List<Path> rules = new ArrayList<>();
    if (options.rulesDirectory().isPresent()) {
      rules = new RuleTranslator(profile.ruleForScale()).translateDirectory(options.rulesDirectory().get(),
          workDir.resolve("rules"));
    }
    this.prometheus = own(PrometheusServer.launch(workDir, new PrometheusServer.Setup(profile.scrapeInterval(),
        modelsSd.file(), dcgmSd.file(), gateway.statsUrl(), kubeStateMetrics.metricsUrl(), rules)));
    phase("prometheus launched", t0);

    Map<String, String> dcgmPods = Topology.seed(kube.client(), profile);
    List<FileSd.Target> dcgmTargets = new ArrayList<>();
    for (DcgmExporter d : dcgm) {
      dcgmTargets.add(new FileSd.Target(d.metricsUrl(), Map.of("job", "nvidia-dcgm-exporter", "namespace",
          Topology.GPU_NAMESPACE, "pod", dcgmPods.get(d.node()), "node", d.node())));
    }
    dcgmSd.write(dcgmTargets);
    Map<String, DcgmExporter> dcgmByPod = new LinkedHashMap<>();
    for (DcgmExporter d : dcgm) {
      Topology.podRunning(kube.client(), Topology.GPU_NAMESPACE, dcgmPods.get(d.node()), d.metricsUrl());
      dcgmByPod.put(dcgmPods.get(d.node()), d);
    }
    kube.onExec(new DcgmPods(dcgmByPod, () -> reconciler));
    expectedTargets = dcgm.size();
    phase("topology seeded", t0);
    this.reconciler = own(new Reconciler(kube.client(), profile, simulators));
    reconciler.onChange(this::writeModelTargets);
    reconciler.start();
    own(new RolloutController(kube.client(), profile).start());
    // Job pods run as local worker processes, bound to the first node (the lab has no CPU-only node)
    own(new JobController(kube, options.jobCommands(), workDir.resolve("job-pods"), profile.nodes().get(0)).start());
    gateway.impair(own(new ChaosMeshController(kube.client(), reconciler)).start().impairment());
    this.admin = own(new LabAdmin(this));
    prometheus.awaitReady();
    Topology.podRunning(kube.client(), Topology.MONITORING_NAMESPACE, Topology.PROMETHEUS_POD, prometheus.url());
    phase("prometheus ready", t0);
    awaitModelsReady(Duration.ofSeconds(30));
    phase("model pods ready", t0);
  }

  private void phase(String name, long t0) {
    startupPhases.add(name + " +" + (System.nanoTime() - t0) / 1_000_000 + " ms");
  }

  /** When each start-up phase ended, in ms from the start (for the benchmark). */
  List<String> startupPhases() {
    return List.copyOf(startupPhases);
  }

  private void awaitModelsReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long ready = reconciler.targets().stream().filter(PodTarget::ready).map(PodTarget::model).distinct().count();
      if (ready == profile.models().size()) {
        return;
      }
      sleep(20);
    }
    throw new IllegalStateException("Not every model pod became Ready within " + timeout.toSeconds() + " s; ready: "
        + reconciler.targets());
  }

  /** Starts a lab with this profile and no rules. */
  public static Lab start(LabProfile profile) {
    return start(LabOptions.of(profile));
  }

  /** Starts a lab as the options say. Fails with {@link IllegalStateException} if Prometheus is missing. */
  public static Lab start(LabOptions options) {
    try {
      return new Lab(options);
    } catch (IOException e) {
      throw new UncheckedIOException("The lab could not start: " + e.getMessage(), e);
    }
  }

  /** Options for {@link #start(LabOptions)}, starting from this profile. */
  public static LabOptions builder(LabProfile profile) {
    return LabOptions.of(profile);
  }

  public LabProfile profile() {
    return profile;
  }

  /** The Envoy-like gateway: POST {@code /v1/completions} and {@code /v1/chat/completions} here. */
  public URI gatewayUrl() {
    return gateway.uri();
  }

  /** The gateway's Envoy stats ({@code /stats/prometheus} on its admin port). */
  public URI gatewayStatsUrl() {
    return gateway.statsUrl();
  }

  /** Model name to the base URL of a pod now serving it (ready pods first); a model with no pod is absent. */
  public Map<String, URI> modelUrls() {
    Map<String, URI> urls = new LinkedHashMap<>();
    reconciler.targets().stream().sorted(Comparator.comparing(t -> !t.ready()))
        .forEach(t -> urls.putIfAbsent(t.model(), t.uri()));
    return urls;
  }

  public Optional<URI> modelUrl(String model) {
    return Optional.ofNullable(modelUrls().get(model));
  }

  /** {@code .../metrics} of every DCGM exporter, one per node. */
  public List<URI> dcgmExporterUrls() {
    return dcgm.stream().map(DcgmExporter::metricsUrl).toList();
  }

  public URI kubeStateMetricsUrl() {
    return kubeStateMetrics.metricsUrl();
  }

  public URI prometheusUrl() {
    return prometheus.url();
  }

  /**
   * The lab's Zipkin server ({@code /api/v2/trace/<id>}, {@code /api/v2/spans}), started on the first call
   * and awaited until healthy (at most {@code timeout}): its JVM takes seconds to start, so labs that never
   * look at traces never pay for it. Stopped with the lab.
   *
   * @throws IllegalStateException when it cannot be started or is not healthy in time, with its log's tail
   */
  public synchronized URI zipkinUrl(Duration timeout) {
    try {
      if (zipkin == null) {
        zipkin = own(ZipkinServer.launch(workDir, zipkinPort));
      }
      zipkin.awaitReady(timeout);
      return zipkin.url();
    } catch (IOException e) {
      throw new IllegalStateException("The lab's Zipkin server is not available: " + e.getMessage(), e);
    }
  }

  /** How a model's servers trace: the reference run's broken hops as a switch ({@link ModelTracing}). */
  public void setModelTracing(String model, ModelTracing mode) {
    faults(model); // fails for an unknown model, naming the known ones
    tracing.setModelTracing(model, mode);
  }

  public ModelTracing modelTracing(String model) {
    return tracing.modelTracing(model);
  }

  /**
   * Misconfigures the gateway's span exporter (true) as the reference run's Envoy was: it posts its
   * reports to OTLP's path, which the Zipkin server answers 404, so spans are created and counted as
   * sent ({@code envoy_tracing_zipkin_spans_sent}) but every report is dropped and none is stored.
   */
  public void setGatewayExporterMisconfigured(boolean misconfigured) {
    tracing.setGatewayExportPath(misconfigured ? LabTracing.OTLP_PATH : LabTracing.SPANS_PATH);
  }

  public boolean gatewayExporterMisconfigured() {
    return LabTracing.OTLP_PATH.equals(tracing.gatewayExportPath());
  }

  /** What the gateway's span exporter did so far (also on its stats page as {@code envoy_tracing_zipkin_*}). */
  public ExportStats gatewayExportStats() {
    return tracing.stats(LabTracing.GATEWAY_SERVICE);
  }

  /** Exports every span finished so far, at most {@code timeout}; true when every export completed in time. */
  public boolean flushSpans(Duration timeout) {
    return tracing.flush(timeout);
  }

  /** The lab's admin endpoint (faults, chunked prefill, endpoints); see the README. */
  public URI adminUrl() {
    return admin.uri();
  }

  /** A client of the lab's Kubernetes API. Owned by the lab: do not close it. */
  public KubernetesClient kubernetesClient() {
    return kube.client();
  }

  /** The Kubernetes API as kubectl reaches it (the kubeconfig's server), watches over HTTP included. */
  public URI kubernetesApiUrl() {
    return kube.url();
  }

  /** A kubeconfig for kubectl and other clients ({@code kubectl --kubeconfig PATH get pods -n token-labs}). */
  public Path kubeconfigPath() {
    return kube.kubeconfig();
  }

  /** The fault hooks of a model's simulator. */
  public ModelFaults faults(String model) {
    FaultState state = faults.get(model);
    if (state == null) {
      throw new IllegalArgumentException("No model '" + model + "' in profile " + profile.name() + "; models: "
          + faults.keySet());
    }
    return new ModelFaults(state);
  }

  /** Turns chunked prefill on or off for a model's running pods (from their next step) and later ones. */
  public void setChunkedPrefill(String model, boolean on) {
    simulators.setChunkedPrefill(model, on);
  }

  /**
   * Turns prefix caching on or off for a model's running pods (from their next step) and later ones.
   * It is on by default, as in vLLM V1 ({@code --enable-prefix-caching}; {@code --no-enable-prefix-caching}
   * turns it off there).
   */
  public void setPrefixCaching(String model, boolean on) {
    simulators.setPrefixCaching(model, on);
  }

  /** Whether prefix caching is on for a model now (on until switched off). */
  public boolean prefixCaching(String model) {
    return simulators.prefixCaching(model);
  }

  /** Whether chunked prefill is on for a model now (its profile's setting until changed). */
  public boolean chunkedPrefill(String model) {
    return simulators.chunkedPrefill(model);
  }

  /** Stats of the simulator of each pod now running the model (empty if none). */
  public List<ModelStats> modelStats(String model) {
    List<ModelStats> out = new ArrayList<>();
    for (PodTarget t : reconciler.targets()) {
      if (t.model().equals(model)) {
        simulators.server(t.pod()).ifPresent(s -> out.add(stats(t.pod(), s)));
      }
    }
    return out;
  }

  /** The simulators of the pods now running the model (for the lab's own benchmark). */
  List<ModelServer> simulators(String model) {
    return reconciler.targets().stream().filter(t -> t.model().equals(model))
        .flatMap(t -> simulators.server(t.pod()).stream()).toList();
  }

  /**
   * Waits until Prometheus has scraped every target it knows, at least once and successfully, and
   * knows all the lab's targets. Throws {@link IllegalStateException} naming what was missing.
   */
  public void awaitTargetsScraped(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int[] seen = {0, 0};
    while (System.nanoTime() < deadline) {
      try {
        seen = prometheus.scrapedAndTotalTargets();
        if (seen[1] >= expectedTargets + STATIC_TARGETS && seen[0] == seen[1]) {
          return;
        }
      } catch (IOException e) {
        LOG.log(Level.FINE, "Prometheus not answering yet", e);
      }
      sleep(100);
    }
    throw new IllegalStateException("Prometheus did not scrape all lab targets within " + timeout.toMillis()
        + " ms: expected " + (expectedTargets + STATIC_TARGETS) + " targets up, saw " + seen[0] + " up of " + seen[1]
        + "; see " + prometheus.logFile() + " and " + prometheus.url() + "/targets");
  }

  private void writeModelTargets() {
    List<FileSd.Target> targets = new ArrayList<>();
    for (PodTarget t : reconciler.targets()) {
      String container = profile.model(t.model()).engine() == ServingEngine.VLLM ? "vllm" : "sglang";
      targets.add(new FileSd.Target(t.uri(), Map.of("job", t.model(), "namespace", Topology.NAMESPACE, "pod",
          t.pod(), "container", container, "service", t.model(), "endpoint", "http", "node", t.node())));
    }
    expectedTargets = targets.size() + dcgm.size();
    modelsSd.write(targets);
  }

  /** One DCGM sample of every GPU; never throws, since a scheduled task that throws is never run again. */
  private void sampleGpus() {
    try {
      long now = System.nanoTime();
      dcgm.forEach(d -> d.sample(now));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "DCGM sampling failed; next sample in 200 ms", e);
    }
  }

  private List<GpuOccupant> occupants(String node) {
    List<GpuOccupant> out = new ArrayList<>();
    if (reconciler == null) {
      return out; // sampling starts before the reconciler: no pods yet
    }
    for (PodTarget t : reconciler.targets()) {
      if (!t.node().equals(node)) {
        continue;
      }
      simulators.server(t.pod()).ifPresent(s -> out.add(new GpuOccupant(t.pod(), Topology.NAMESPACE,
          s.config().flavor().name().equals("VLLM") ? "vllm" : "sglang", s.loop()::busyNanos)));
    }
    return out;
  }

  private static ModelStats stats(String pod, ModelServer s) {
    StepLoop.Stats loop = s.loop().stats();
    var m = s.metrics();
    return new ModelStats(pod, m.kvUsage(), m.preemptions(), m.runningRequests(), m.waitingRequests(),
        m.generationTokens(), loop.steps(), Duration.ofNanos(loop.plannedNanos()), Duration.ofNanos(loop.maxLagNanos()),
        Duration.ofNanos(loop.finalLagNanos()), s.tracedRequests(), s.lastTraceparent());
  }

  private <T extends AutoCloseable> T own(T resource) {
    synchronized (closeables) {
      closeables.add(resource);
    }
    return resource;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // polling an external process's HTTP API: nothing to wait on instead
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Prometheus", e);
    }
  }

  /** Stops Prometheus, every server and the API, in reverse order of start; deletes the work directory. */
  @Override
  public void close() {
    List<AutoCloseable> parts;
    synchronized (closeables) {
      parts = new ArrayList<>(closeables);
      closeables.clear();
    }
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing a lab part failed", e);
      }
    }
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.log(Level.FINE, "could not delete " + workDir, e);
    }
  }

  @Override
  public String toString() {
    return "lab (" + profile.name() + ")";
  }
}
