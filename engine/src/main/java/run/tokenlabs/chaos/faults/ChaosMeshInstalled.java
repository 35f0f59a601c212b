package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Capability;

/**
 * Chaos Mesh is installed: the API server serves {@code NetworkChaos}, {@code HTTPChaos} and
 * {@code PodChaos} in {@code chaos-mesh.org/v1alpha1}, as its discovery lists them. Without them a
 * {@link ChaosMeshFault} cannot be created, so an experiment that needs one is BLOCKED with the
 * missing resources named.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ChaosMeshInstalled implements Capability {

  @Override
  public String name() {
    return "Chaos Mesh custom resources";
  }

  @Override
  public Availability check(Target target) {
    APIResourceList served = target.kubernetes().getApiResources(ChaosKind.API_VERSION);
    Set<String> names = served == null ? Set.of()
        : served.getResources().stream().map(APIResource::getName).collect(Collectors.toSet());
    List<String> missing = Arrays.stream(ChaosKind.values()).map(k -> k.plural).filter(p -> !names.contains(p)).toList();
    if (missing.isEmpty()) {
      return Availability.present("the API server serves networkchaos, httpchaos and podchaos in "
          + ChaosKind.API_VERSION);
    }
    return Availability.absent("the API server does not serve " + String.join(", ", missing) + " in "
        + ChaosKind.API_VERSION + " (discovery lists " + (names.isEmpty() ? "no such group" : names.stream().sorted()
        .toList()) + "): Chaos Mesh is not installed; install it (helm chart chaos-mesh/chaos-mesh, 2.6 or later) "
        + "to run network, HTTP and pod faults");
  }
}
