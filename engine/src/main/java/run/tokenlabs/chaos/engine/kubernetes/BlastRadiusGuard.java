package run.tokenlabs.chaos.engine.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import run.tokenlabs.chaos.api.SafetyLabels;

/**
 * The blast radius the engine enforces: a fabric8 {@link Interceptor} on the client every experiment,
 * fault and rollback gets, that refuses a mutating request (any method but GET/HEAD/OPTIONS, and
 * exec/attach/portforward/proxy) unless it acts inside a namespace that is in
 * {@code namespaces.allowed}, is not {@code kube-system}, and carries the chaos label when the request
 * is made, and that counts the pods a run deletes, evicts or restarts against
 * {@code kubernetes.maxPodsPerRun}.
 *
 * <p>It does not trust what a fault declares: it reads the request the client is about to send. The
 * label is read again, through a client without this guard, for every mutating request, so removing
 * it stops the next call. Cluster-scoped changes (namespaces themselves, cluster roles, nodes) are
 * refused, with one exception a node drain needs: a merge patch of a node's {@code spec.unschedulable}
 * alone (cordon, uncordon), on a node listed in {@code kubernetes.allowedNodes} that carries the chaos
 * label when the patch is sent ({@link NodeCordonRule}). A change of a Deployment's pod template (a
 * rolling restart) counts every pod it will replace before it is sent ({@link RolloutPods}).
 */
final class BlastRadiusGuard implements Interceptor {
  static final String NAME = "tokenlabs-blast-radius";
  private final List<String> allowedNamespaces;
  private final KubernetesClient reader;
  private final PodBudget pods;
  private final NodeCordonRule nodes;
  private final List<KubernetesCallRefusedException> refusals = new CopyOnWriteArrayList<>();

  /**
   * @param reader a client of the same server without this guard, to read namespace labels with
   */
  BlastRadiusGuard(List<String> allowedNamespaces, int maxPodsPerRun, List<String> allowedNodes,
                   KubernetesClient reader) {
    this.allowedNamespaces = List.copyOf(allowedNamespaces);
    this.reader = reader;
    this.pods = new PodBudget(maxPodsPerRun);
    this.nodes = new NodeCordonRule(allowedNodes, reader);
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    ApiRequest call = ApiRequest.of(request.method(), request.uri());
    if (call.mutating()) {
      check(call, request.bodyString());
      if (ChaosMeshRequest.applies(call)) {
        checkChaosMesh(call, request.bodyString());
      }
    }
  }

  /**
   * A Chaos Mesh resource is created or replaced only when every namespace its selectors name passes
   * the same checks as the request's, and its mode bounds the pods it hits; a {@code PodChaos} counts
   * them against {@code kubernetes.maxPodsPerRun}. Patches are refused: one could widen a selector
   * without a body to check.
   */
  void checkChaosMesh(ApiRequest call, String body) {
    if (call.method().equals("DELETE")) {
      return;
    }
    if (!call.method().equals("POST") && !call.method().equals("PUT")) {
      refuse(call, "the engine creates and deletes Chaos Mesh resources but never patches them: a patch could widen "
          + "their selectors");
    }
    ChaosMeshRequest chaos = ChaosMeshRequest.read(body);
    chaos.problem().ifPresent(problem -> refuse(call, problem));
    for (String ns : chaos.selectorNamespaces()) {
      if (!ns.equals(call.namespace())) {
        check(new ApiRequest(call.method(), call.path(), ns, call.resource(), chaos.name(), ""), "");
      }
    }
    if (call.resource().equals("podchaos")) {
      for (int i = 1; i <= chaos.pods(); i++) {
        String slot = "podchaos/" + chaos.name() + "#" + i;
        pods.take(call.namespace(), slot).ifPresent(problem -> refuse(call, problem));
      }
    }
  }

  /**
   * Throws {@link KubernetesCallRefusedException} naming the call and the rule it breaks.
   *
   * @param body the request's body as sent, or {@code null} when it has none (or is not text)
   */
  void check(ApiRequest call, String body) {
    if (call.clusterScoped() && call.resource().equals("nodes")) {
      nodes.problem(call, body).ifPresent(problem -> refuse(call, problem));
      return;
    }
    if (call.clusterScoped()) {
      refuse(call, "it changes " + (call.resource().isEmpty() ? "a non-resource path" : "cluster-scoped '"
          + call.resource() + "'") + ", and chaos acts only inside allowed namespaces");
    }
    String ns = call.namespace();
    if ("kube-system".equals(ns)) {
      refuse(call, "it acts in namespace 'kube-system', which is never a chaos target");
    }
    if (!allowedNamespaces.contains(ns)) {
      refuse(call, "it acts in namespace '" + ns + "', which is not in namespaces.allowed " + allowedNamespaces
          + "; add it there if it is meant");
    }
    requireLabelled(call);
    if (call.deletesPodCollection()) {
      refuse(call, "it deletes every pod a selector matches in '" + ns + "', which kubernetes.maxPodsPerRun ("
          + pods.max() + ") cannot bound; delete the pods one by one");
    }
    if (call.disruptsOnePod()) {
      pods.take(ns, call.name()).ifPresent(problem -> refuse(call, problem));
    }
    if (RolloutPods.changesTemplate(call, body)) {
      pods.takeAll(ns, RolloutPods.of(reader, ns, call.name())).ifPresent(problem -> refuse(call, problem));
    }
  }

  private void requireLabelled(ApiRequest call) {
    String ns = call.namespace();
    Namespace namespace;
    try {
      namespace = reader.namespaces().withName(ns).get();
    } catch (KubernetesClientException e) {
      refuse(call, "the label of namespace '" + ns + "' could not be read now (" + e.getMessage() + "), so it "
          + "cannot be shown to allow chaos; check that the API server answers");
      return;
    }
    if (namespace == null) {
      refuse(call, "namespace '" + ns + "' does not exist on the target");
    }
    Map<String, String> labels = namespace.getMetadata().getLabels();
    if (labels == null || !SafetyLabels.NAMESPACE_LABEL_VALUE.equals(labels.get(SafetyLabels.NAMESPACE_LABEL))) {
      refuse(call, "namespace '" + ns + "' is not labelled for chaos now; label it with 'kubectl label namespace "
          + ns + " " + SafetyLabels.NAMESPACE_LABEL + "=" + SafetyLabels.NAMESPACE_LABEL_VALUE + "' to allow faults there");
    }
  }

  private void refuse(ApiRequest call, String problem) {
    KubernetesCallRefusedException refusal = new KubernetesCallRefusedException("Refused by the blast radius: "
        + call.describe() + " was not sent, because " + problem);
    refusals.add(refusal);
    throw refusal;
  }

  /** Every refusal so far, oldest first, so that an experiment that caught one still ends as ERROR. */
  List<KubernetesCallRefusedException> refusals() {
    return List.copyOf(refusals);
  }
}
