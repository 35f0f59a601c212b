package run.tokenlabs.chaos.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.ChaosConfig.KubernetesSettings;
import run.tokenlabs.chaos.api.ChaosConfigException;

/**
 * The cluster target's context guard: which server a run may talk to is decided by the server and CA
 * the client will use, not by a context's name.
 */
class ContextGuardTest {
  private static final String FINGERPRINT_A = "71b24e2583789f25a954c330ea86d59e669fa807a5d10ef458b92e1ebcc0b677";
  @TempDir
  Path dir;
  private String previousKubeconfig;
  private String caA;
  private String caB;

  @BeforeEach
  void kubeconfig() throws IOException {
    caA = base64("test-ca-a.pem");
    caB = base64("test-ca-b.pem");
    Path file = Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: staging
          cluster: {server: "https://staging.example:6443", certificate-authority-data: "%s"}
        - name: prod
          cluster: {server: "https://prod.example:6443", certificate-authority-data: "%s"}
        users:
        - name: sre
          user: {token: not-a-real-token}
        contexts:
        - name: spark-staging
          context: {cluster: staging, user: sre}
        - name: spark-prod
          context: {cluster: prod, user: sre}
        current-context: spark-prod
        """.formatted(caA, caB));
    previousKubeconfig = System.setProperty("kubeconfig", file.toString());
  }

  @AfterEach
  void restore() {
    if (previousKubeconfig == null) {
      System.clearProperty("kubeconfig");
    } else {
      System.setProperty("kubeconfig", previousKubeconfig);
    }
  }

  @Test
  @DisplayName("An allowed context passes, and the client is built for its kubeconfig server")
  void allowedContext() {
    ContextGuard.Allowed allowed = check(settings(Optional.of("spark-staging"), List.of("spark-staging")),
        new Properties(), Map.of());

    assertThat(allowed.context()).isEqualTo("spark-staging");
    assertThat(allowed.server().server()).isEqualTo("https://staging.example:6443");
    assertThat(allowed.server().caSha256()).containsExactly(FINGERPRINT_A);
  }

  @Test
  @DisplayName("A kube context that is not allowed is refused")
  void contextNotAllowed() {
    assertThatThrownBy(() -> check(settings(Optional.empty(), List.of("spark-staging")), new Properties(), Map.of()))
        .isInstanceOf(ChaosConfigException.class)
        .hasMessageContaining("kubernetes.allowedContexts: the kube context in use is 'spark-prod', which is not "
            + "allowed [spark-staging]");
  }

  @Test
  @DisplayName("-Dkubernetes.master (or KUBERNETES_MASTER) is refused by name: it would redirect an allowed context")
  void masterOverrideRefused() {
    Properties properties = new Properties();
    properties.setProperty("kubernetes.master", "https://prod.example:6443");

    assertThatThrownBy(() -> check(settings(Optional.of("spark-staging"), List.of("spark-staging")), properties, Map.of()))
        .hasMessageContaining("system property kubernetes.master is set")
        .hasMessageNotContaining("prod.example");
    assertThatThrownBy(() -> check(settings(Optional.of("spark-staging"), List.of("spark-staging")), new Properties(),
        Map.of("KUBERNETES_MASTER", "https://prod.example:6443", "KUBERNETES_AUTH_TOKEN", "t")))
        .hasMessageContaining("environment variable KUBERNETES_MASTER, environment variable KUBERNETES_AUTH_TOKEN are set");
  }

  @Test
  @DisplayName("An unknown kubernetes.context is an error naming it and the contexts that exist, not the current one")
  void unknownContext() {
    assertThatThrownBy(() -> check(settings(Optional.of("spark-typo"), List.of("spark-typo", "spark-prod")),
        new Properties(), Map.of()))
        .hasMessageContaining("kubernetes.context: 'spark-typo' is not a context")
        .hasMessageContaining("which has [spark-staging, spark-prod]");
  }

  @Test
  @DisplayName("The allowed context's name with another server or CA than its kubeconfig entry is refused")
  void serverOrCaDiffersFromKubeconfig() {
    Config built = Config.autoConfigure("spark-staging");
    ServerIdentity entry = ServerIdentity.of(built);

    built.setMasterUrl("https://prod.example:6443");
    assertThatThrownBy(() -> ContextGuard.requireSame("spark-staging", entry, ServerIdentity.of(built)))
        .hasMessageContaining("context 'spark-staging' names https://staging.example:6443")
        .hasMessageContaining("would talk to https://prod.example:6443");

    Config otherCa = Config.autoConfigure("spark-staging");
    otherCa.setCaCertData(caB);
    assertThatThrownBy(() -> ContextGuard.requireSame("spark-staging", entry, ServerIdentity.of(otherCa)))
        .hasMessageContaining("would talk to https://staging.example:6443 (CA sha256 ");

    Config insecure = Config.autoConfigure("spark-staging");
    insecure.setTrustCerts(true);
    assertThatThrownBy(() -> ContextGuard.requireSame("spark-staging", entry, ServerIdentity.of(insecure)))
        .hasMessageContaining("(certificates not checked)");
  }

  @Test
  @DisplayName("Pinned servers and CA fingerprints: a context whose server or CA is not pinned is refused")
  void pins() {
    KubernetesSettings pinned = new KubernetesSettings(Optional.of("spark-staging"), List.of("spark-staging"), 1024,
        List.of("https://staging.example:6443"), List.of(FINGERPRINT_A), 5);
    assertThat(check(pinned, new Properties(), Map.of()).context()).isEqualTo("spark-staging");

    KubernetesSettings otherServer = new KubernetesSettings(Optional.of("spark-staging"), List.of("spark-staging"),
        1024, List.of("https://prod.example:6443"), List.of(), 5);
    assertThatThrownBy(() -> check(otherServer, new Properties(), Map.of()))
        .hasMessageContaining("talks to https://staging.example:6443, which is not in kubernetes.allowedServers");

    KubernetesSettings otherCa = new KubernetesSettings(Optional.of("spark-prod"), List.of("spark-prod"), 1024,
        List.of(), List.of(FINGERPRINT_A), 5);
    assertThatThrownBy(() -> check(otherCa, new Properties(), Map.of()))
        .hasMessageContaining("none of it is in kubernetes.allowedCaSha256");
  }

  @Test
  @DisplayName("In a pod (no kubeconfig) the name in-cluster alone is refused: the server and CA must be pinned")
  void inClusterNeedsPins() {
    System.setProperty("kubeconfig", dir.resolve("absent").toString());

    assertThatThrownBy(() -> ContextGuard.check(settings(Optional.empty(), List.of("in-cluster")), new Properties(),
        Map.of(), KubeconfigContexts.read()))
        .hasMessageContaining("context 'in-cluster' has no kubeconfig entry to check the server")
        .hasMessageContaining("kubernetes.allowedServers")
        .hasMessageContaining("kubernetes.allowedCaSha256");
  }

  private static ContextGuard.Allowed check(KubernetesSettings settings, Properties properties, Map<String, String> env) {
    return ContextGuard.check(settings, properties, env, KubeconfigContexts.read());
  }

  private static KubernetesSettings settings(Optional<String> context, List<String> allowed) {
    return new KubernetesSettings(context, allowed);
  }

  private static String base64(String resource) throws IOException {
    try (InputStream in = ContextGuardTest.class.getResourceAsStream("/kubernetes/" + resource)) {
      return Base64.getEncoder().encodeToString(in.readAllBytes());
    }
  }
}
