package run.tokenlabs.chaos.engine.kubernetes;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import run.tokenlabs.chaos.api.ChaosConfigException;

/**
 * fabric8's own overrides of the server a client talks to and of how it authenticates: system
 * properties such as {@code kubernetes.master}, and the same names as environment variables
 * ({@code KUBERNETES_MASTER}). Any of them set would send the calls of an allowed context to another
 * server, or as another identity, while the context's name still looks allowed, so a cluster run
 * refuses to start while one is set. The kubeconfig file itself ({@code kubeconfig}, {@code KUBECONFIG})
 * may be chosen freely: the context is resolved from it and its server compared.
 */
final class KubeOverrides {
  static final List<String> PROPERTIES = List.of(
      "kubernetes.master",
      "kubernetes.disable.autoConfig",
      "kubernetes.trust.certificates",
      "kubernetes.disable.hostname.verification",
      "kubernetes.certs.ca.file",
      "kubernetes.certs.ca.data",
      "kubernetes.certs.client.file",
      "kubernetes.certs.client.data",
      "kubernetes.certs.client.key.file",
      "kubernetes.certs.client.key.data",
      "kubernetes.certs.client.key.algo",
      "kubernetes.certs.client.key.passphrase",
      "kubernetes.auth.basic.username",
      "kubernetes.auth.basic.password",
      "kubernetes.auth.tryKubeConfig",
      "kubernetes.auth.tryServiceAccount",
      "kubernetes.auth.serviceAccount.token",
      "kubernetes.auth.token",
      "kubernetes.impersonate.username",
      "kubernetes.impersonate.group",
      "kubernetes.truststore.file",
      "kubernetes.truststore.passphrase",
      "kubernetes.keystore.file",
      "kubernetes.keystore.passphrase");

  private KubeOverrides() {
  }

  /** The environment variable fabric8 reads for {@code property}: upper case, dots as underscores. */
  static String envName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Refuses the run when any override is set, naming each one set (never its value: it may be a secret). */
  static void refuseSet(Properties systemProperties, Map<String, String> environment) {
    List<String> set = PROPERTIES.stream().flatMap(p -> Stream.of(
            systemProperties.getProperty(p) != null ? "system property " + p : null,
            environment.get(envName(p)) != null ? "environment variable " + envName(p) : null))
        .filter(s -> s != null).toList();
    if (!set.isEmpty()) {
      throw new ChaosConfigException("A cluster run refuses fabric8's client overrides, and " + String.join(", ", set)
          + (set.size() == 1 ? " is" : " are") + " set: they would send the calls of the allowed context to another "
          + "server or as another identity than the kubeconfig names. Unset them and put the server and credentials "
          + "in the kubeconfig context listed in kubernetes.allowedContexts");
    }
  }
}
