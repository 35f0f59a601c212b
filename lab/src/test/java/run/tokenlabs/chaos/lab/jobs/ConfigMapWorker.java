package run.tokenlabs.chaos.lab.jobs;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A Job worker for the lab's tests: reaches the lab's API server through fabric8's default config
 * (the {@code KUBECONFIG} the lab sets), writes ConfigMap {@code <job>-out-<index>} holding its index,
 * its pod's name and its arguments, prints a line and exits 0.
 */
public final class ConfigMapWorker {
  private ConfigMapWorker() {}

  public static void main(String[] args) {
    String index = System.getenv("JOB_COMPLETION_INDEX");
    String job = System.getenv("JOB_NAME");
    String name = job + "-out-" + index;
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      client.configMaps().inNamespace(System.getenv("POD_NAMESPACE")).resource(new ConfigMapBuilder()
          .withNewMetadata().withName(name).endMetadata().addToData("index", index)
          .addToData("pod", System.getenv("POD_NAME")).addToData("args", String.join(" ", args))
          .addToData("greeting", System.getenv("GREETING")).build()).create();
    }
    System.out.println("worker " + index + " of " + job + " wrote configmap " + name);
  }
}
