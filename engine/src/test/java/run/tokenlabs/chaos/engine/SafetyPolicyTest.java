package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.engine.config.ConfigLoader;

class SafetyPolicyTest {

  @Test
  @DisplayName("An API server that does not answer is an error naming where it tried, not a safety refusal")
  void apiServerDown() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ChaosConfig config = ConfigLoader.load(k -> Optional.empty());
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0).withConnectionTimeout(2000)
        .withRequestTimeout(2000).build()).build()) {

      assertThatThrownBy(() -> SafetyPolicy.checkNamespaces(Set.of("token-labs"), config, client, "force-delete x"))
          .isInstanceOf(IllegalStateException.class)
          .isNotInstanceOf(ChaosConfigException.class)
          .hasMessageContaining("Cannot check namespace 'token-labs' before fault 'force-delete x'")
          .hasMessageContaining("127.0.0.1:" + port)
          .hasMessageContaining("nothing was injected");
    }
  }

  @Test
  @DisplayName("Arming: the chaos property without Maven's JVM is refused; with it, the run is armed")
  void armingNeedsMavensJvm() {
    ChaosConfig armedByProperty = ConfigLoader.load(k -> Optional.ofNullable(Map.of("tokenlabs.chaos.profile", "chaos",
        "tokenlabs.chaos.target", "cluster", "tokenlabs.chaos.namespaces.allowed", "token-labs").get(k)));
    ChaosConfig notArmed = ConfigLoader.load(k -> Optional.ofNullable(Map.of("tokenlabs.chaos.target", "cluster",
        "tokenlabs.chaos.namespaces.allowed", "token-labs").get(k)));
    ClassLoader plainJvm = ClassLoader.getPlatformClassLoader();
    ClassLoader mavenJvm = new ClassLoader(null) {
      /** Stands for Maven's system class loader: it has the launcher class (any class object will do here). */
      @Override
      public Class<?> loadClass(String name) throws ClassNotFoundException {
        if (name.equals(SafetyPolicy.MAVEN_LAUNCHER)) {
          return SafetyPolicyTest.class;
        }
        throw new ClassNotFoundException(name);
      }
    };

    assertThatThrownBy(() -> SafetyPolicy.requireArmedFor("cluster", false, armedByProperty, plainJvm))
        .isInstanceOf(ChaosConfigException.class)
        .hasMessageContaining("a property alone arms nothing");
    assertThatThrownBy(() -> SafetyPolicy.requireArmedFor("cluster", false, notArmed, mavenJvm))
        .hasMessageContaining("(tokenlabs.chaos.profile=none)");
    assertThatCode(() -> SafetyPolicy.requireArmedFor("cluster", false, armedByProperty, mavenJvm))
        .doesNotThrowAnyException();
    assertThatCode(() -> SafetyPolicy.requireArmedFor("lab", true, notArmed, plainJvm)).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("Arming by the runner: its --arm stands for Maven's JVM, never for the chaos property")
  void runnerArmingNeedsTheProperty() {
    ChaosConfig armedByProperty = ConfigLoader.load(k -> Optional.ofNullable(Map.of("tokenlabs.chaos.profile", "chaos",
        "tokenlabs.chaos.target", "cluster", "tokenlabs.chaos.namespaces.allowed", "token-labs").get(k)));
    ChaosConfig notArmed = ConfigLoader.load(k -> Optional.ofNullable(Map.of("tokenlabs.chaos.target", "cluster",
        "tokenlabs.chaos.namespaces.allowed", "token-labs").get(k)));
    ClassLoader plainJvm = ClassLoader.getPlatformClassLoader();

    assertThatCode(() -> SafetyPolicy.requireArmedFor("cluster", false, armedByProperty, plainJvm, true))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> SafetyPolicy.requireArmedFor("cluster", false, notArmed, plainJvm, true))
        .isInstanceOf(ChaosConfigException.class)
        .hasMessageContaining("(tokenlabs.chaos.profile=none)")
        .hasMessageContaining("tokenlabs-chaos --arm");
    assertThatThrownBy(() -> SafetyPolicy.requireArmedFor("cluster", false, armedByProperty, plainJvm, false))
        .hasMessageContaining("a property alone arms nothing");
  }
}
