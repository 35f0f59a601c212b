package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The ready addresses of each Service in {@code token-labs}, kept current by a watch on Endpoints:
 * what the gateway routes to, as Envoy's EDS would hand it.
 */
public final class EndpointsView implements AutoCloseable {
  private final SharedIndexInformer<Endpoints> informer;

  public EndpointsView(KubernetesClient client) {
    this.informer = client.endpoints().inNamespace(Topology.NAMESPACE).inform();
  }

  /** Base URLs of the ready endpoints of Service {@code service}; empty if none or unknown. */
  public List<URI> ready(String service) {
    Endpoints e = informer.getStore().getByKey(Topology.NAMESPACE + "/" + service);
    List<URI> out = new ArrayList<>();
    if (e == null) {
      return out;
    }
    for (var subset : e.getSubsets()) {
      for (var port : subset.getPorts()) {
        for (var address : subset.getAddresses()) {
          out.add(URI.create("http://" + address.getIp() + ":" + port.getPort()));
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    informer.close();
  }
}
