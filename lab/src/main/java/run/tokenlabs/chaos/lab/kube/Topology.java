package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.api.ModelProfile;
import run.tokenlabs.chaos.lab.api.ServingEngine;

/**
 * The objects the lab seeds into its Kubernetes API: namespaces, nodes, the bare
 * DeepSeek pod, the Llama Deployment with its ReplicaSet, pod and PodDisruptionBudget, Services, the routing layer in
 * front of them (HTTPRoutes, and an InferencePool where {@link #hasEndpointPicker} says so), the DCGM
 * exporter DaemonSet and its pods, and a Prometheus pod in {@code monitoring}.
 */
public final class Topology {
  public static final String NAMESPACE = "token-labs";
  public static final String GPU_NAMESPACE = "gpu-operator";
  public static final String MONITORING_NAMESPACE = "monitoring";
  /** The label the engine requires before it acts in a namespace. */
  public static final String CHAOS_LABEL = "tokenlabs.run/chaos";
  public static final String DCGM_APP = "nvidia-dcgm-exporter";
  /** The port a model container declares; the lab's real ports are ephemeral and sit in Endpoints. */
  public static final int MODEL_PORT = 8000;
  /** The Prometheus pod in {@link #MONITORING_NAMESPACE}. */
  public static final String PROMETHEUS_POD = "prometheus-k8s-0";
  /** Gateway API's group ({@code HTTPRoute}). */
  public static final String GATEWAY_API_GROUP = "gateway.networking.k8s.io";
  /** The Gateway API inference extension's group ({@code InferencePool}, v1 since the extension's 1.0). */
  public static final String INFERENCE_API_GROUP = "inference.networking.k8s.io";
  private static final String DCGM_IMAGE = "nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04";

  private Topology() {}

  /** Creates every object; returns the DCGM exporter pod name per node. */
  public static Map<String, String> seed(KubernetesClient client, LabProfile profile) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
        .addToLabels(CHAOS_LABEL, "allowed").endMetadata().build()).create();
    // labelled as an operator who opts the DCGM pods in to XID injection would; an experiment still has to
    // list it in namespaces.allowed before the engine execs there
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(GPU_NAMESPACE)
        .addToLabels(CHAOS_LABEL, "allowed").endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(MONITORING_NAMESPACE)
        .endMetadata().build()).create();
    for (String node : profile.nodes()) {
      // labelled as an operator who opts a node in to drains would; kubernetes.allowedNodes must still list it
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
          .addToLabels("nvidia.com/gpu.product", profile.gpu().modelName().replace(' ', '-'))
          .addToLabels("kubernetes.io/hostname", node).addToLabels(CHAOS_LABEL, "allowed").endMetadata()
          .withNewSpec().endSpec().build()).create();
    }
    for (ModelProfile m : profile.models()) {
      seedModel(client, m);
    }
    Routes.seed(client, profile);
    Map<String, String> dcgmPods = seedDcgm(client, profile.nodes());
    client.pods().inNamespace(MONITORING_NAMESPACE).resource(new PodBuilder().withNewMetadata()
        .withName(PROMETHEUS_POD).withUid(UUID.randomUUID().toString())
        .addToLabels("app.kubernetes.io/name", "prometheus").endMetadata()
        .withNewSpec().withNodeName(profile.nodes().get(0)).addNewContainer().withName("prometheus")
        .withImage("prom/prometheus:v2.42.0").endContainer().endSpec().build()).create();
    return dcgmPods;
  }

  /**
   * Whether the profile's vLLM model sits behind an llm-d endpoint picker (an InferencePool) rather
   * than a plain HTTPRoute to its Service: the data-centre profile {@code h200} does; {@code gb10}
   * routes as the reference run found it, through plain HTTPRoutes only.
   */
  public static boolean hasEndpointPicker(LabProfile profile) {
    return "h200".equals(profile.name());
  }

  private static void seedModel(KubernetesClient client, ModelProfile m) {
    client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder().withNewMetadata().withName(m.name())
        .addToLabels("app", m.name()).endMetadata().withNewSpec().addToSelector("app", m.name())
        .addNewPort().withName("http").withPort(MODEL_PORT).withTargetPort(new IntOrString(MODEL_PORT)).endPort()
        .endSpec().build()).create();
    if (m.bare()) {
      client.pods().inNamespace(NAMESPACE).resource(modelPod(m, m.podName(), null)).create();
      return;
    }
    EventRecorder events = new EventRecorder(client, Clock.systemUTC());
    // minAvailable 1 on one replica, as serving teams write it to keep a model up: no voluntary disruption
    // (a drain's eviction) is allowed until a second replica is Ready
    client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName(m.name()).addToLabels("app", m.name()).endMetadata().withNewSpec()
        .withMinAvailable(new IntOrString(1)).withNewSelector().addToMatchLabels("app", m.name()).endSelector()
        .endSpec().build()).create();
    var deployment = client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName(m.name()).withUid(UUID.randomUUID().toString()).addToLabels("app", m.name())
        .endMetadata().withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", m.name())
        .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", m.name()).endMetadata()
        .withSpec(modelPod(m, "template", null).getSpec()).endTemplate().endSpec().build()).create();
    String rsName = m.name() + "-" + randomSuffix(10);
    ReplicaSet rs = client.apps().replicaSets().inNamespace(NAMESPACE).resource(new ReplicaSetBuilder()
        .withNewMetadata().withName(rsName).withUid(UUID.randomUUID().toString()).addToLabels("app", m.name())
        .withOwnerReferences(owner("apps/v1", "Deployment", m.name(), deployment.getMetadata().getUid()))
        .endMetadata().withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", m.name())
        .endSelector().endSpec().build()).create();
    events.normal(deployment, null, "ScalingReplicaSet", "Scaled up replica set " + rsName + " from 0 to 1",
        EventRecorder.Source.DEPLOYMENT_CONTROLLER);
    Pod pod = client.pods().inNamespace(NAMESPACE).resource(modelPod(m, rsName + "-" + randomSuffix(5),
        owner("apps/v1", "ReplicaSet", rsName, rs.getMetadata().getUid()))).create();
    events.normal(rs, null, "SuccessfulCreate", "Created pod: " + pod.getMetadata().getName(),
        EventRecorder.Source.REPLICASET_CONTROLLER);
  }

  /**
   * Marks a pod whose process the lab runs outside the reconciler (a DCGM exporter, Prometheus) as
   * started and Ready, listening at {@code uri}, with the kubelet's events: what kube-state-metrics
   * and kubectl show of a healthy pod.
   */
  public static void podRunning(KubernetesClient client, String namespace, String name, URI uri) {
    var resource = client.pods().inNamespace(namespace).withName(name);
    Pod pod = resource.get();
    if (pod == null) {
      throw new IllegalStateException("No pod " + namespace + "/" + name + " to mark running; Topology.seed "
          + "creates it");
    }
    var container = pod.getSpec().getContainers().get(0);
    new EventRecorder(client, Clock.systemUTC()).podStarted(pod, pod.getSpec().getNodeName(), container.getName(),
        container.getImage());
    String now = Instant.now().toString();
    resource.editStatus(p -> new PodBuilder(p).withNewStatus().withPhase("Running").withPodIP(uri.getHost())
        .withHostIP(uri.getHost()).withStartTime(now)
        .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
        .addNewCondition().withType("ContainersReady").withStatus("True").withLastTransitionTime(now).endCondition()
        .addNewContainerStatus().withName(container.getName()).withImage(container.getImage()).withReady(true)
        .withStarted(true).withRestartCount(0).withNewState().withNewRunning().withStartedAt(now).endRunning()
        .endState().endContainerStatus().endStatus().build());
  }

  /** The manifest of a model pod, as its controller (or a person) would create it. */
  public static Pod modelPod(ModelProfile m, String podName, OwnerReference owner) {
    boolean vllm = m.engine() == ServingEngine.VLLM;
    PodBuilder b = new PodBuilder().withNewMetadata().withName(podName).withNamespace(NAMESPACE)
        .withUid(UUID.randomUUID().toString()).addToLabels("app", m.name()).endMetadata();
    if (owner != null) {
      b.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    List<String> args = vllm
        ? List.of("--served-model-name", m.name(), "--port", String.valueOf(MODEL_PORT), "--max-model-len",
            String.valueOf(m.maxModelLen()))
        : List.of("--served-model-name", m.name(), "--port", String.valueOf(MODEL_PORT), "--enable-metrics");
    return b.withNewSpec().withNodeName(m.node()).withRestartPolicy(m.bare() ? "Never" : "Always")
        .withContainers(new ContainerBuilder().withName(vllm ? "vllm" : "sglang")
            .withImage(vllm ? "vllm/vllm-openai:v0.10.1" : "lmsysorg/sglang:v0.4.10").withArgs(args)
            .addNewPort().withName("http").withContainerPort(MODEL_PORT).withProtocol("TCP").endPort()
            .withNewResources().addToLimits("nvidia.com/gpu", new Quantity("1")).endResources().build())
        .endSpec().build();
  }

  private static Map<String, String> seedDcgm(KubernetesClient client, List<String> nodes) {
    var ds = client.apps().daemonSets().inNamespace(GPU_NAMESPACE).resource(new DaemonSetBuilder().withNewMetadata()
        .withName(DCGM_APP).withUid(UUID.randomUUID().toString()).addToLabels("app", DCGM_APP).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", DCGM_APP).endSelector().withNewTemplate()
        .withNewMetadata().addToLabels("app", DCGM_APP).endMetadata().withNewSpec().addNewContainer()
        .withName(DCGM_APP).withImage(DCGM_IMAGE).endContainer()
        .endSpec().endTemplate().endSpec().build()).create();
    Map<String, String> pods = new java.util.LinkedHashMap<>();
    for (String node : nodes) {
      String name = DCGM_APP + "-" + randomSuffix(5);
      client.pods().inNamespace(GPU_NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(name)
          .withUid(UUID.randomUUID().toString()).addToLabels("app", DCGM_APP)
          .withOwnerReferences(owner("apps/v1", "DaemonSet", DCGM_APP, ds.getMetadata().getUid())).endMetadata()
          .withNewSpec().withNodeName(node).addNewContainer().withName(DCGM_APP).withImage(DCGM_IMAGE)
          .addNewPort().withName("metrics")
          .withContainerPort(9400).withProtocol("TCP").endPort().endContainer().endSpec().build()).create();
      pods.put(node, name);
    }
    return pods;
  }

  public static OwnerReference owner(String apiVersion, String kind, String name, String uid) {
    return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(uid)
        .withController(true).withBlockOwnerDeletion(true).build();
  }

  /** Kubernetes-style random name suffix (lower-case consonants and digits). */
  public static String randomSuffix(int length) {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
