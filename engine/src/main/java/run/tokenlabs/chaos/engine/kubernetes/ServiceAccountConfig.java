package run.tokenlabs.chaos.engine.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import run.tokenlabs.chaos.api.ChaosConfigException;

/**
 * The in-cluster client configuration from a ServiceAccount directory the configuration names
 * ({@code kubernetes.serviceAccountDir}), built as a pod's client builds it: the API server at
 * {@code https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT}, trusting {@code ca.crt}, authenticated by
 * {@code token} (read again for every request, since the kubelet rotates it), in the namespace of
 * {@code namespace} when present. fabric8 reads these files only from the default directory, and its
 * settings to move them are overrides the engine refuses, hence this.
 */
final class ServiceAccountConfig {
  static final String HOST = "KUBERNETES_SERVICE_HOST";
  static final String PORT = "KUBERNETES_SERVICE_PORT";

  private ServiceAccountConfig() {
  }

  /**
   * The configuration, every file and variable checked first.
   *
   * @throws ChaosConfigException naming the missing file or variable and what to do
   */
  static Config of(Path dir, Map<String, String> environment) {
    String host = required(environment, HOST);
    String port = required(environment, PORT);
    Path ca = requireFile(dir, "ca.crt");
    Path token = requireFile(dir, "token");
    ConfigBuilder builder = new ConfigBuilder(Config.empty())
        .withMasterUrl("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port)
        .withCaCertFile(ca.toString())
        .withOauthTokenProvider(() -> read(token));
    Path namespace = dir.resolve("namespace");
    if (Files.isRegularFile(namespace)) {
      builder.withNamespace(read(namespace));
    }
    return builder.build();
  }

  private static String required(Map<String, String> environment, String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new ChaosConfigException("kubernetes.serviceAccountDir is set, and the environment variable " + name
          + " is not: in a pod Kubernetes sets it; outside one, set " + HOST + " and " + PORT + " to the API server");
    }
    return value.strip();
  }

  private static Path requireFile(Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new ChaosConfigException("kubernetes.serviceAccountDir " + dir + " has no " + name + " (looked at "
          + file.toAbsolutePath() + "); mount the ServiceAccount's token there (automountServiceAccountToken), or "
          + "fix the directory");
    }
    return file;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new ChaosConfigException("Cannot read " + file + " (" + e + "); the ServiceAccount's files must be "
          + "readable by the runner's user (the pod's fsGroup)", e);
    }
  }
}
