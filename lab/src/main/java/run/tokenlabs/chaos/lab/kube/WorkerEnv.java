package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment of a Job pod's container as the kubelet resolves it: plain values, the downward
 * API's {@code fieldRef} (name, namespace, uid, node, service account, pod IP, labels and
 * annotations by key) and values from a Secret or a ConfigMap by key. Nothing of the lab's own
 * environment is passed on but what a JVM needs to start ({@code PATH}, {@code HOME}, {@code LANG},
 * {@code TZ}), so a worker sees what it would see in its container.
 */
final class WorkerEnv {
  /** A variable that cannot be resolved: the kubelet's CreateContainerConfigError. */
  static final class ConfigError extends Exception {
    ConfigError(String message) {
      super(message);
    }
  }

  private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "TZ");
  private static final Pattern BY_KEY = Pattern.compile("metadata\\.(labels|annotations)\\['([^']+)'\\]");

  private WorkerEnv() {}

  static Map<String, String> of(Pod pod, String podIp, KubernetesClient client) throws ConfigError {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : INHERITED) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.put("HOSTNAME", pod.getSpec().getHostname() != null ? pod.getSpec().getHostname()
        : pod.getMetadata().getName());
    List<EnvVar> vars = pod.getSpec().getContainers().get(0).getEnv();
    for (EnvVar v : vars == null ? List.<EnvVar>of() : vars) {
      String value = value(pod, v, podIp, client);
      if (value != null) {
        env.put(v.getName(), value);
      }
    }
    return env;
  }

  private static String value(Pod pod, EnvVar v, String podIp, KubernetesClient client) throws ConfigError {
    if (v.getValueFrom() == null) {
      return v.getValue() == null ? "" : v.getValue();
    }
    var from = v.getValueFrom();
    String namespace = pod.getMetadata().getNamespace();
    if (from.getFieldRef() != null) {
      return field(pod, from.getFieldRef().getFieldPath(), podIp);
    }
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
      String value = secret == null ? null : secret.getData() != null && secret.getData().containsKey(ref.getKey())
          ? new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8)
          : secret.getStringData() == null ? null : secret.getStringData().get(ref.getKey());
      return present(value, Boolean.TRUE.equals(ref.getOptional()), v.getName(), "secret", ref.getName(), ref.getKey());
    }
    if (from.getConfigMapKeyRef() != null) {
      var ref = from.getConfigMapKeyRef();
      ConfigMap map = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
      String value = map == null || map.getData() == null ? null : map.getData().get(ref.getKey());
      return present(value, Boolean.TRUE.equals(ref.getOptional()), v.getName(), "configmap", ref.getName(),
          ref.getKey());
    }
    throw new ConfigError("variable " + v.getName() + ": the lab resolves value, fieldRef, secretKeyRef and "
        + "configMapKeyRef; this valueFrom is none of them");
  }

  private static String present(String value, boolean optional, String variable, String kind, String name,
      String key) throws ConfigError {
    if (value == null && !optional) {
      throw new ConfigError("couldn't find key " + key + " in " + kind + " " + name + " for variable " + variable
          + "; create it, or mark the reference optional");
    }
    return value;
  }

  private static String field(Pod pod, String path, String podIp) throws ConfigError {
    switch (path) {
      case "metadata.name":
        return pod.getMetadata().getName();
      case "metadata.namespace":
        return pod.getMetadata().getNamespace();
      case "metadata.uid":
        return pod.getMetadata().getUid();
      case "spec.nodeName":
        return pod.getSpec().getNodeName();
      case "spec.serviceAccountName":
        return pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
      case "status.podIP":
      case "status.hostIP":
        return podIp;
      default:
        Matcher m = BY_KEY.matcher(path);
        if (m.matches()) {
          Map<String, String> values = "labels".equals(m.group(1)) ? pod.getMetadata().getLabels()
              : pod.getMetadata().getAnnotations();
          return values == null ? "" : values.getOrDefault(m.group(2), "");
        }
        throw new ConfigError("unsupported fieldRef " + path + "; the lab knows metadata.name, metadata.namespace, "
            + "metadata.uid, spec.nodeName, spec.serviceAccountName, status.podIP, status.hostIP and "
            + "metadata.labels/annotations['key']");
    }
  }
}
