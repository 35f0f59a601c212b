package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Builds the Kubernetes client a {@link TargetProvider} hands to the engine, with a bound on what
 * the API server can make it read: a response longer than {@code maxResponseBytes}
 * ({@code kubernetes.maxResponseBytes}) fails with a {@link KubernetesResponseTooLargeException}
 * naming the bound, before it is held whole in memory. Watches still work: over HTTP the bound
 * applies to each event line, over a WebSocket to each message, never to the connection.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class BoundedKubernetesClients {
  private BoundedKubernetesClients() {
  }

  /** A client for {@code config} whose responses, and watch events, are at most {@code maxResponseBytes} long. */
  public static KubernetesClient build(Config config, long maxResponseBytes) {
    return build(config, maxResponseBytes, Map.of());
  }

  /**
   * The same, with further named interceptors (e.g. one that records the calls an RBAC Role must
   * allow); the response bound stays in place whatever they do.
   */
  public static KubernetesClient build(Config config, long maxResponseBytes, Map<String, Interceptor> interceptors) {
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException("kubernetes.maxResponseBytes must be >= 1, was " + maxResponseBytes);
    }
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(new BoundedVertxFactory(maxResponseBytes))
        .withHttpClientBuilderConsumer(builder -> {
          interceptors.forEach(builder::addOrReplaceInterceptor);
          builder.addOrReplaceInterceptor(ResponseBoundInterceptor.NAME, new ResponseBoundInterceptor(maxResponseBytes));
        })
        .build();
  }
}
