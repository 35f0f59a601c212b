package run.tokenlabs.chaos.engine.kubernetes;

import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.ChaosConfigException;

/**
 * The contexts of the kubeconfig files fabric8 reads ({@code kubeconfig}, {@code KUBECONFIG}, or
 * {@code ~/.kube/config}), read by the engine itself so that it knows which cluster entry a context
 * names: merged as kubectl merges them, the first file to define a name wins.
 *
 * @param files the files that exist, in order
 * @param contexts context name to the cluster entry it uses
 * @param currentContext the first {@code current-context} set, if any
 */
record KubeconfigContexts(List<File> files, Map<String, Cluster> contexts, Optional<String> currentContext) {

  static KubeconfigContexts read() {
    return read(Config.getKubeconfigFilenames().stream().map(File::new).filter(File::isFile).toList());
  }

  static KubeconfigContexts read(List<File> files) {
    Map<String, NamedContext> contexts = new LinkedHashMap<>();
    Map<String, Cluster> clusters = new LinkedHashMap<>();
    String current = null;
    for (File file : files) {
      io.fabric8.kubernetes.api.model.Config parsed;
      try {
        parsed = KubeConfigUtils.parseConfig(file);
      } catch (RuntimeException e) {
        throw new ChaosConfigException("Cannot read the kubeconfig " + file + " (" + e.getMessage() + "); fix it or "
            + "point kubeconfig/KUBECONFIG at a valid one");
      }
      for (NamedContext context : orEmpty(parsed.getContexts())) {
        contexts.putIfAbsent(context.getName(), context);
      }
      for (NamedCluster cluster : orEmpty(parsed.getClusters())) {
        clusters.putIfAbsent(cluster.getName(), cluster.getCluster());
      }
      if (current == null && parsed.getCurrentContext() != null && !parsed.getCurrentContext().isBlank()) {
        current = parsed.getCurrentContext();
      }
    }
    Map<String, Cluster> resolved = new LinkedHashMap<>();
    contexts.forEach((name, context) -> {
      Cluster cluster = context.getContext() == null ? null : clusters.get(context.getContext().getCluster());
      if (cluster != null) {
        resolved.put(name, cluster);
      }
    });
    return new KubeconfigContexts(List.copyOf(files), resolved, Optional.ofNullable(current));
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : new ArrayList<>(list);
  }

  /**
   * The context a run uses: the configured one, else the current one. Unknown is an error naming the
   * contexts that exist, never a silent fall-back to the current context.
   */
  String choose(Optional<String> configured) {
    String name = configured.or(() -> currentContext).orElseThrow(() -> new ChaosConfigException(
        "kubernetes.context: not set, and the kubeconfig " + files + " has no current-context; set it to one of "
            + contexts.keySet()));
    if (!contexts.containsKey(name)) {
      throw new ChaosConfigException("kubernetes.context: '" + name + "' is not a context (with a cluster) of the "
          + "kubeconfig " + files + ", which has " + contexts.keySet() + "; use one of those, or point kubeconfig/"
          + "KUBECONFIG at the file that defines it");
    }
    return name;
  }
}
