package run.tokenlabs.chaos.scenarios.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.lab.api.Lab;

/**
 * The embedded lab as the engine's {@link Target}. Endpoints are read from the lab on every call,
 * so a model whose pod was force-deleted is simply absent from {@link #models()}.
 */
public final class LabTarget implements Target {
  private final Lab lab;

  LabTarget(Lab lab) {
    this.lab = lab;
  }

  /** The lab itself, for experiments that use its fault hooks (stream cuts, stalls, chunked prefill). */
  public Lab lab() {
    return lab;
  }

  /**
   * The lab behind a target. Guard the experiment with {@code @RequiresCapability(LabControls.class)}
   * so that on a cluster it is BLOCKED instead of failing here.
   */
  public static Lab labOf(Target target) {
    return target.unwrap(LabTarget.class).map(LabTarget::lab).orElseThrow(() -> new IllegalStateException(
        "target '" + target.name() + "' is not the embedded lab; add @RequiresCapability(LabControls.class)"));
  }

  @Override
  public String name() {
    return "lab (" + lab.profile().name() + ")";
  }

  @Override
  public KubernetesClient kubernetes() {
    return lab.kubernetesClient();
  }

  @Override
  public Optional<PrometheusEndpoint> prometheus() {
    return Optional.of(PrometheusEndpoint.unauthenticated(lab.prometheusUrl()));
  }

  @Override
  public Optional<URI> gateway() {
    return Optional.of(lab.gatewayUrl());
  }

  @Override
  public Map<String, URI> models() {
    return lab.modelUrls();
  }

  @Override
  public List<URI> dcgmExporters() {
    return lab.dcgmExporterUrls();
  }

  @Override
  public void close() {
    lab.close();
  }
}
