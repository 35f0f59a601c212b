package run.tokenlabs.chaos.lab.api;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import run.tokenlabs.chaos.lab.kube.PodRuntime;
import run.tokenlabs.chaos.lab.simulator.CostModel;
import run.tokenlabs.chaos.lab.simulator.FaultState;
import run.tokenlabs.chaos.lab.simulator.MetricsExposition;
import run.tokenlabs.chaos.lab.simulator.ModelServer;
import run.tokenlabs.chaos.lab.simulator.SchedulerConfig;
import run.tokenlabs.chaos.lab.simulator.SimulatorConfig;
import run.tokenlabs.chaos.lab.tracing.LabTracing;

/** Starts a {@link ModelServer} for each model pod the reconciler brings up, and remembers it by pod. */
final class SimulatorRuntime implements PodRuntime {
  private final LabProfile profile;
  private final Map<String, FaultState> faults;
  private final Map<String, ModelServer> byPod = new ConcurrentHashMap<>();
  private final Map<String, Boolean> chunked = new ConcurrentHashMap<>();
  /** Models whose prefix caching was switched; the others have it on, as vLLM V1 does by default. */
  private final Map<String, Boolean> prefixCaching = new ConcurrentHashMap<>();
  private final LabTracing tracing;

  SimulatorRuntime(LabProfile profile, Map<String, FaultState> faults, LabTracing tracing) {
    this.profile = profile;
    this.faults = faults;
    this.tracing = tracing;
    profile.models().forEach(m -> chunked.put(m.name(), m.chunkedPrefill()));
  }

  @Override
  public Process start(String podName, ModelProfile model) throws IOException {
    return start(podName, model, 0);
  }

  @Override
  public Process restart(String podName, ModelProfile model, URI previous) throws IOException {
    return start(podName, model, previous.getPort());
  }

  private Process start(String podName, ModelProfile model, int port) throws IOException {
    ModelServer server = new ModelServer(config(model), faults.get(model.name()), InetAddress.getLoopbackAddress(),
        port, tracing).start();
    server.setPrefixCaching(prefixCaching(model.name()));
    byPod.put(podName, server);
    return new Process() {
      @Override
      public URI uri() {
        return server.uri();
      }

      @Override
      public boolean serving() {
        return answersHealth(server.uri());
      }

      @Override
      public void close() {
        byPod.remove(podName, server);
        server.close();
      }
    };
  }

  Optional<ModelServer> server(String pod) {
    return Optional.ofNullable(byPod.get(pod));
  }

  /** Switches chunked prefill for the model's running pods and for pods started later. */
  void setChunkedPrefill(String model, boolean on) {
    profile.model(model);
    chunked.put(model, on);
    byPod.values().stream().filter(s -> s.config().modelName().equals(model)).forEach(s -> s.setChunkedPrefill(on));
  }

  /** Switches prefix caching for the model's running pods and for pods started later. */
  void setPrefixCaching(String model, boolean on) {
    profile.model(model);
    prefixCaching.put(model, on);
    byPod.values().stream().filter(s -> s.config().modelName().equals(model)).forEach(s -> s.setPrefixCaching(on));
  }

  boolean prefixCaching(String model) {
    return prefixCaching.getOrDefault(model, true);
  }

  boolean chunkedPrefill(String model) {
    return chunked.getOrDefault(model, profile.model(model).chunkedPrefill());
  }

  SimulatorConfig config(ModelProfile m) {
    boolean on = chunked.getOrDefault(m.name(), m.chunkedPrefill());
    long blocks = Math.max(1, m.kvCapacityTokens() / SchedulerConfig.BLOCK_SIZE);
    SchedulerConfig scheduler = new SchedulerConfig(on ? m.maxNumBatchedTokens()
        : Math.max(m.maxNumBatchedTokens(), m.maxModelLen()), m.maxNumSeqs(), m.maxModelLen(), on,
        m.longPrefillTokenThreshold(), blocks);
    MetricsExposition.Flavor flavor = m.engine() == ServingEngine.VLLM ? MetricsExposition.Flavor.VLLM
        : MetricsExposition.Flavor.SGLANG;
    return new SimulatorConfig(m.name(), flavor, scheduler, m.maxNumBatchedTokens(),
        new CostModel(m.stepFixedSeconds(), m.prefillTokenSeconds(), m.decodeSequenceSeconds()),
        profile.timeScale(), m.meanOutputTokens(), m.reasoningShare(), m.name().hashCode());
  }

  private static boolean answersHealth(URI base) {
    try {
      HttpURLConnection c = (HttpURLConnection) base.resolve("/health").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(1000);
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200;
    } catch (IOException e) {
      return false;
    }
  }
}
