package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apiguardian.api.API;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * Restarts every pod of a Deployment by rolling update, as {@code kubectl rollout restart} does: it sets
 * the pod template's annotation {@value #RESTARTED_AT} to the current time (a JSON merge patch, which
 * merges the annotation map as kubectl's strategic one does), and the Deployment controller replaces
 * the pods within its {@code maxSurge}/{@code maxUnavailable}.
 *
 * <p>Its rollback ({@link AwaitRollout}) waits for the rollout to finish and changes nothing: putting the
 * previous annotation back would be another template change, so another rolling restart of every pod;
 * once the new pods are Ready the Deployment is as it was, with newer pods.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class RollingRestartFault implements Fault<RollingRestartFault.AwaitRollout> {
  /** The pod template annotation {@code kubectl rollout restart} sets. */
  public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  private static final Duration POLL = Duration.ofMillis(250);

  private final String namespace;
  private final String deployment;

  public RollingRestartFault(String namespace, String deployment) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.deployment = Objects.requireNonNull(deployment, "deployment");
  }

  @Override
  public String description() {
    return "rolling restart of Deployment " + namespace + "/" + deployment + " (template annotation " + RESTARTED_AT
        + ", as kubectl rollout restart)";
  }

  @Override
  public Set<String> namespaces() {
    return Set.of(namespace);
  }

  @Override
  public AwaitRollout prepare(Target target) {
    Deployment d = target.kubernetes().apps().deployments().inNamespace(namespace).withName(deployment).get();
    if (d == null) {
      throw new IllegalStateException("no Deployment '" + deployment + "' in namespace '" + namespace + "'; check "
          + "with 'kubectl get deployments -n " + namespace + "'");
    }
    Map<String, String> labels = d.getSpec().getSelector().getMatchLabels();
    if (labels == null || labels.isEmpty()) {
      throw new IllegalStateException("Deployment " + namespace + "/" + deployment + " selects its pods by "
          + "matchExpressions only; this fault counts them by matchLabels and needs at least one");
    }
    String selector = String.join(",", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    long ready = ForceDeletePodFault.matching(target.kubernetes(), namespace, LabelSelectors.parse(selector)).stream()
        .filter(PodReadiness::isReady).count();
    String restartedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return new AwaitRollout(namespace, deployment, selector, restartedAt, ready);
  }

  @Override
  public void act(Target target, AwaitRollout rollback) {
    String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + RESTARTED_AT + "\":\""
        + rollback.restartedAt() + "\"}}}}}";
    target.kubernetes().apps().deployments().inNamespace(namespace).withName(deployment)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  /**
   * The end of a rolling restart: every pod the Deployment selects carries the new {@value #RESTARTED_AT},
   * and as many are Ready as before. Changes nothing, so it is idempotent.
   *
   * @param namespace the Deployment's namespace
   * @param deployment its name
   * @param selector its matchLabels as a label selector
   * @param restartedAt the annotation's value the fault set
   * @param readyBefore how many of its pods were Ready before
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record AwaitRollout(String namespace, String deployment, String selector, String restartedAt,
      long readyBefore) implements Rollback {

    @Override
    public String description() {
      return "wait until every pod of Deployment " + namespace + "/" + deployment + " is restarted at " + restartedAt
          + " and " + readyBefore + " are Ready";
    }

    @Override
    public Set<String> namespaces() {
      return Set.of(namespace);
    }

    @Override
    public List<ObjectReference> involvedObjects(Target target) {
      return List.of(new ObjectReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
          .withNamespace(namespace).withName(deployment).build());
    }

    @Override
    public void undo(Target target, Duration timeout) {
      KubernetesClient client = target.kubernetes();
      AtomicReference<String> seen = new AtomicReference<>("nothing read yet");
      try {
        Awaitility.await("rolling restart of " + namespace + "/" + deployment + " to finish").atMost(timeout)
            .pollDelay(Duration.ZERO).pollInterval(POLL).until(() -> {
              List<Pod> pods = ForceDeletePodFault.matching(client, namespace, LabelSelectors.parse(selector));
              long old = pods.stream().filter(p -> !restartedAt.equals(annotation(p))).count();
              long ready = pods.stream().filter(p -> restartedAt.equals(annotation(p)))
                  .filter(PodReadiness::isReady).count();
              seen.set(old + " pods not yet restarted, " + ready + " restarted and Ready");
              return old == 0 && ready >= readyBefore;
            });
      } catch (ConditionTimeoutException e) {
        throw new IllegalStateException("The rolling restart of Deployment " + namespace + "/" + deployment
            + " did not finish within " + timeout.toSeconds() + " s (expected no old pod and " + readyBefore
            + " Ready; seen " + seen.get() + "); check 'kubectl rollout status deployment/" + deployment + " -n "
            + namespace + "'", e);
      }
    }

    private static String annotation(Pod pod) {
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      return annotations == null ? null : annotations.get(RESTARTED_AT);
    }
  }
}
