package run.tokenlabs.chaos.engine.kubernetes;

import io.fabric8.kubernetes.client.Config;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import run.tokenlabs.chaos.api.ChaosConfig.KubernetesSettings;
import run.tokenlabs.chaos.api.ChaosConfigException;

/**
 * Decides which cluster a cluster run may talk to, by the server the client will really use and not
 * by a context's name: fabric8's overrides are refused, the context is resolved from the kubeconfig by
 * the engine (an unknown one is an error), the built configuration must talk to the very server and
 * CA its kubeconfig entry names, and to one of {@code kubernetes.allowedServers} and
 * {@code kubernetes.allowedCaSha256} when those are set. Without a kubeconfig (in a pod) there is no
 * entry to compare with, so both pins are required there.
 */
final class ContextGuard {
  static final String IN_CLUSTER = "in-cluster";

  private ContextGuard() {
  }

  /** The fabric8 configuration of the allowed context, checked; {@code describe} of the result names it. */
  static Allowed check(KubernetesSettings settings, Properties systemProperties, Map<String, String> environment,
                       KubeconfigContexts kubeconfig) {
    KubeOverrides.refuseSet(systemProperties, environment);
    if (kubeconfig.contexts().isEmpty()) {
      if (settings.context().isPresent()) {
        throw new ChaosConfigException("kubernetes.context: '" + settings.context().get() + "' is set, and there is "
            + "no kubeconfig with contexts (looked at " + Config.getKubeconfigFilenames() + "); point kubeconfig/"
            + "KUBECONFIG at the file that defines it");
      }
      requireAllowedName(IN_CLUSTER, settings);
      Config config = settings.serviceAccountDir().map(dir -> ServiceAccountConfig.of(dir, environment))
          .orElseGet(() -> Config.autoConfigure(null));
      ServerIdentity actual = ServerIdentity.of(config);
      requirePinned(IN_CLUSTER, actual, settings, true);
      return new Allowed(IN_CLUSTER, config, actual);
    }
    String context = kubeconfig.choose(settings.context());
    requireAllowedName(context, settings);
    Config config = Config.autoConfigure(context);
    ServerIdentity actual = ServerIdentity.of(config);
    File first = kubeconfig.files().get(0);
    Path dir = first.getAbsoluteFile().getParentFile().toPath();
    requireSame(context, ServerIdentity.of(kubeconfig.contexts().get(context), dir), actual);
    requirePinned(context, actual, settings, false);
    return new Allowed(context, config, actual);
  }

  private static void requireAllowedName(String context, KubernetesSettings settings) {
    if (!settings.allowedContexts().contains(context)) {
      throw new ChaosConfigException("kubernetes.allowedContexts: the kube context in use is '" + context
          + "', which is not allowed " + settings.allowedContexts() + "; add it to kubernetes.allowedContexts if this "
          + "cluster is meant to be a chaos target");
    }
  }

  /** The client must talk to what the kubeconfig entry names: anything else was changed on the way. */
  static void requireSame(String context, ServerIdentity expected, ServerIdentity actual) {
    if (!expected.equals(actual)) {
      throw new ChaosConfigException("Refused: context '" + context + "' names " + expected.describe()
          + " in the kubeconfig, and the client built for it would talk to " + actual.describe() + "; something "
          + "overrides the kubeconfig (a fabric8 setting, an environment variable). Remove the override");
    }
  }

  static void requirePinned(String context, ServerIdentity actual, KubernetesSettings settings, boolean required) {
    if (required && (settings.allowedServers().isEmpty() || settings.allowedCaSha256().isEmpty())) {
      throw new ChaosConfigException("Refused: context '" + context + "' has no kubeconfig entry to check the server "
          + actual.describe() + " against, and a name alone allows any cluster; list the server in "
          + "kubernetes.allowedServers and its CA's SHA-256 fingerprint in kubernetes.allowedCaSha256");
    }
    if (!settings.allowedServers().isEmpty() && !settings.allowedServers().contains(actual.server())) {
      throw new ChaosConfigException("Refused: context '" + context + "' talks to " + actual.server() + ", which is "
          + "not in kubernetes.allowedServers " + settings.allowedServers() + "; add it if this server is meant");
    }
    if (!settings.allowedCaSha256().isEmpty()
        && (actual.insecure() || actual.caSha256().stream().noneMatch(settings.allowedCaSha256()::contains))) {
      throw new ChaosConfigException("Refused: context '" + context + "' trusts " + actual.describe() + ", and none "
          + "of it is in kubernetes.allowedCaSha256 " + settings.allowedCaSha256() + "; add the cluster CA's "
          + "fingerprint if this cluster is meant");
    }
  }

  /**
   * A context that passed the checks.
   *
   * @param context its name ({@value #IN_CLUSTER} in a pod)
   * @param config the fabric8 configuration to build the client from
   * @param server what that configuration talks to
   */
  record Allowed(String context, Config config, ServerIdentity server) {
  }
}
