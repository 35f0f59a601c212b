package run.tokenlabs.chaos.lab.kube;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import run.tokenlabs.chaos.lab.http.HttpServers;
import run.tokenlabs.chaos.lab.metrics.TextFormat;

/**
 * A kube-state-metrics view of the lab's API server: {@code kube_pod_info}, {@code
 * kube_pod_status_ready}, {@code kube_pod_owner}, {@code kube_endpoint_info}, {@code kube_endpoint_address}, {@code
 * kube_deployment_spec_replicas}, {@code kube_deployment_status_replicas_available}, computed from
 * the live objects at every scrape, so a deleted pod's series simply stop being listed.
 */
public final class KubeStateMetrics implements AutoCloseable {
  private final KubernetesClient client;
  private final HttpServer server;

  public KubeStateMetrics(KubernetesClient client) throws IOException {
    this.client = client;
    this.server = HttpServers.create(InetAddress.getLoopbackAddress(), "lab-ksm", 4);
    server.createContext("/metrics", ex -> HttpServers.send(ex, 200, TextFormat.CONTENT_TYPE, render()));
    server.start();
  }

  public URI metricsUrl() {
    return HttpServers.baseUri(server).resolve("/metrics");
  }

  String render() {
    TextFormat out = new TextFormat();
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    out.header("kube_pod_info", "gauge", "Information about pod.");
    for (Pod p : pods) {
      var status = p.getStatus();
      OwnerReference owner = owner(p);
      out.sample("kube_pod_info", TextFormat.join(podLabels(p),
          TextFormat.label("host_ip", status == null || status.getHostIP() == null ? "" : status.getHostIP()),
          TextFormat.label("pod_ip", status == null || status.getPodIP() == null ? "" : status.getPodIP()),
          TextFormat.label("node", p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName()),
          TextFormat.label("created_by_kind", owner == null ? "<none>" : owner.getKind()),
          TextFormat.label("created_by_name", owner == null ? "<none>" : owner.getName()),
          TextFormat.label("priority_class", ""), TextFormat.label("host_network", "false")), 1);
    }
    out.header("kube_pod_status_ready", "gauge", "Describes whether the pod is ready to serve requests.");
    for (Pod p : pods) {
      String ready = readyCondition(p);
      for (String condition : new String[] {"true", "false", "unknown"}) {
        out.sample("kube_pod_status_ready", TextFormat.join(podLabels(p), TextFormat.label("condition", condition)),
            condition.equals(ready) ? 1 : 0);
      }
    }
    out.header("kube_pod_owner", "gauge", "Information about the Pod's owner.");
    for (Pod p : pods) {
      OwnerReference o = owner(p);
      out.sample("kube_pod_owner", TextFormat.join(podLabels(p),
          TextFormat.label("owner_kind", o == null ? "<none>" : o.getKind()),
          TextFormat.label("owner_name", o == null ? "<none>" : o.getName()),
          TextFormat.label("owner_is_controller", o == null ? "<none>" : String.valueOf(Boolean.TRUE.equals(
              o.getController())))), 1);
    }
    endpoints(out);
    deployments(out);
    return out.toString();
  }

  private void endpoints(TextFormat out) {
    List<Endpoints> all = client.endpoints().inAnyNamespace().list().getItems();
    // One series per Endpoints object whatever its addresses, so "no ready address" can be an
    // `unless` against it: the address series of an emptied Endpoints simply vanish.
    out.header("kube_endpoint_info", "gauge", "Information about endpoint.");
    for (Endpoints e : all) {
      out.sample("kube_endpoint_info", TextFormat.join(TextFormat.label("namespace", e.getMetadata().getNamespace()),
          TextFormat.label("endpoint", e.getMetadata().getName())), 1);
    }
    out.header("kube_endpoint_address", "gauge", "Information about Endpoint available and non available addresses.");
    for (Endpoints e : all) {
      String base = TextFormat.join(TextFormat.label("namespace", e.getMetadata().getNamespace()),
          TextFormat.label("endpoint", e.getMetadata().getName()));
      for (var subset : e.getSubsets()) {
        for (EndpointAddress a : subset.getAddresses()) {
          out.sample("kube_endpoint_address", TextFormat.join(base, TextFormat.label("ip", a.getIp()),
              TextFormat.label("ready", "true")), 1);
        }
        for (EndpointAddress a : subset.getNotReadyAddresses()) {
          out.sample("kube_endpoint_address", TextFormat.join(base, TextFormat.label("ip", a.getIp()),
              TextFormat.label("ready", "false")), 1);
        }
      }
    }
  }

  private void deployments(TextFormat out) {
    List<Deployment> deployments = client.apps().deployments().inAnyNamespace().list().getItems();
    out.header("kube_deployment_spec_replicas", "gauge", "Number of desired pods for a deployment.");
    for (Deployment d : deployments) {
      out.sample("kube_deployment_spec_replicas", deploymentLabels(d),
          d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
    }
    out.header("kube_deployment_status_replicas_available", "gauge",
        "The number of available replicas per deployment.");
    for (Deployment d : deployments) {
      Integer available = d.getStatus() == null ? null : d.getStatus().getAvailableReplicas();
      out.sample("kube_deployment_status_replicas_available", deploymentLabels(d), available == null ? 0 : available);
    }
  }

  private static String deploymentLabels(Deployment d) {
    return TextFormat.join(TextFormat.label("namespace", d.getMetadata().getNamespace()),
        TextFormat.label("deployment", d.getMetadata().getName()));
  }

  private static String podLabels(Pod p) {
    return TextFormat.join(TextFormat.label("namespace", p.getMetadata().getNamespace()),
        TextFormat.label("pod", p.getMetadata().getName()),
        TextFormat.label("uid", String.valueOf(p.getMetadata().getUid())));
  }

  private static OwnerReference owner(Pod p) {
    return p.getMetadata().getOwnerReferences().stream().findFirst().orElse(null);
  }

  private static String readyCondition(Pod p) {
    if (p.getStatus() == null) {
      return "unknown";
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return c.getStatus().toLowerCase(java.util.Locale.ROOT);
      }
    }
    return "unknown";
  }

  @Override
  public void close() {
    HttpServers.stop(server);
  }
}
