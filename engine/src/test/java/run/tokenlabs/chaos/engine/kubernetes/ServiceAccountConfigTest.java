package run.tokenlabs.chaos.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** In a pod, the client from {@code kubernetes.serviceAccountDir} and the service environment, pinned as any other. */
class ServiceAccountConfigTest {
  private static final String FINGERPRINT_A = "71b24e2583789f25a954c330ea86d59e669fa807a5d10ef458b92e1ebcc0b677";
  private static final Map<String, String> POD_ENV = Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1",
      "KUBERNETES_SERVICE_PORT", "443");
  @TempDir
  Path dir;
  private Path serviceAccount;
  private String previousKubeconfig;

  @BeforeEach
  void serviceAccount() throws IOException {
    previousKubeconfig = System.setProperty("kubeconfig", dir.resolve("absent").toString());
    serviceAccount = Files.createDirectories(dir.resolve("sa"));
    try (InputStream ca = getClass().getResourceAsStream("/kubernetes/test-ca-a.pem")) {
      Files.write(serviceAccount.resolve("ca.crt"), ca.readAllBytes());
    }
    Files.writeString(serviceAccount.resolve("token"), "first-token\n");
    Files.writeString(serviceAccount.resolve("namespace"), "tokenlabs-chaos");
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
  @DisplayName("the API server from the service environment, the CA, token and namespace from the directory; the token read per request")
  void buildsFromTheDirectory() throws IOException {
    ContextGuard.Allowed allowed = ContextGuard.check(pinned("https://10.96.0.1:443", FINGERPRINT_A), new Properties(),
        POD_ENV, KubeconfigContexts.read());

    assertThat(allowed.context()).isEqualTo("in-cluster");
    assertThat(allowed.server().server()).isEqualTo("https://10.96.0.1:443");
    assertThat(allowed.server().caSha256()).containsExactly(FINGERPRINT_A);
    assertThat(allowed.config().getNamespace()).isEqualTo("tokenlabs-chaos");
    assertThat(allowed.config().getOauthTokenProvider().getToken()).isEqualTo("first-token");
    Files.writeString(serviceAccount.resolve("token"), "rotated-token\n");
    assertThat(allowed.config().getOauthTokenProvider().getToken()).isEqualTo("rotated-token");
  }

  @Test
  @DisplayName("the pins still decide: another server or CA than the directory's is refused")
  void pinsStillApply() {
    assertThatThrownBy(() -> ContextGuard.check(pinned("https://10.0.0.1:443", FINGERPRINT_A), new Properties(),
        POD_ENV, KubeconfigContexts.read()))
        .hasMessageContaining("talks to https://10.96.0.1:443, which is not in kubernetes.allowedServers");
    assertThatThrownBy(() -> ContextGuard.check(pinned("https://10.96.0.1:443", "ab".repeat(32)), new Properties(),
        POD_ENV, KubeconfigContexts.read()))
        .hasMessageContaining("none of it is in kubernetes.allowedCaSha256");
  }

  @Test
  @DisplayName("a missing service variable or file is an error naming it")
  void missingPieces() throws IOException {
    assertThatThrownBy(() -> ServiceAccountConfig.of(serviceAccount, Map.of("KUBERNETES_SERVICE_PORT", "443")))
        .isInstanceOf(ChaosConfigException.class)
        .hasMessageContaining("KUBERNETES_SERVICE_HOST is not");
    Files.delete(serviceAccount.resolve("token"));
    assertThatThrownBy(() -> ServiceAccountConfig.of(serviceAccount, POD_ENV))
        .isInstanceOf(ChaosConfigException.class)
        .hasMessageContaining("has no token (looked at " + serviceAccount.resolve("token").toAbsolutePath());
  }

  private KubernetesSettings pinned(String server, String caSha256) {
    return new KubernetesSettings(Optional.empty(), List.of("in-cluster"), KubernetesSettings.DEFAULT_MAX_RESPONSE_BYTES,
        List.of(server), List.of(caSha256), KubernetesSettings.DEFAULT_MAX_PODS_PER_RUN, Optional.of(serviceAccount));
  }
}
