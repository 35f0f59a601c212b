package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.apiguardian.api.API;

/**
 * A Kubernetes API response (or one event of a watch) was longer than the client's bound, so the
 * client stopped reading it. The message names the call, the bound and what to do.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class KubernetesResponseTooLargeException extends KubernetesClientException {
  private static final long serialVersionUID = 1L;
  private final long bound;

  KubernetesResponseTooLargeException(String method, String url, long bound, boolean perEvent) {
    super("The Kubernetes API answered " + method + " " + url + " with " + (perEvent ? "an event" : "a response")
        + " longer than " + bound + " bytes (kubernetes.maxResponseBytes), so the client stopped reading it; "
        + (perEvent ? "watch fewer objects" : "narrow the request (one namespace, a label selector)")
        + " or raise kubernetes.maxResponseBytes");
    this.bound = bound;
  }

  /** The bound that was passed, in bytes. */
  public long bound() {
    return bound;
  }
}
