package run.tokenlabs.chaos.load;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.Optional;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.TargetProvider;

/**
 * The {@code gateway-only} target of the load tests: a gateway at {@link #gateway} (a test server on
 * this machine) and nothing else, so experiments can run a load through the real engine.
 */
public final class GatewayOnlyTargetProvider implements TargetProvider {
  /** The gateway the next run's target points at; set by the test before it launches experiments. */
  static volatile URI gateway;

  @Override
  public String kind() {
    return "gateway-only";
  }

  @Override
  public boolean isEmbedded() {
    return true;
  }

  @Override
  public Target open(ChaosConfig config) {
    return new GatewayOnly(gateway);
  }

  private record GatewayOnly(URI url) implements Target {
    @Override
    public String name() {
      return "gateway-only " + url;
    }

    @Override
    public KubernetesClient kubernetes() {
      throw new UnsupportedOperationException("the gateway-only test target has no Kubernetes API");
    }

    @Override
    public Optional<URI> gateway() {
      return Optional.of(url);
    }

    @Override
    public void close() {
      // nothing to release: the test owns its server
    }
  }
}
