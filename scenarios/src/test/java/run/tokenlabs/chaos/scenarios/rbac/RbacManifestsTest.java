package run.tokenlabs.chaos.scenarios.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.engine.config.ConfigLoader;

/** The in-cluster manifests grant what the faults need and no more, and carry a configuration the engine accepts. */
class RbacManifestsTest {
  static List<HasMetadata> objects;

  @BeforeAll
  static void load() throws IOException {
    Path dir = Path.of("").toAbsolutePath().getParent().resolve("k8s-rbac");
    try (Stream<Path> files = Files.list(dir)) {
      objects = files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted()
          .flatMap(RbacManifestsTest::documents).map(doc -> (HasMetadata) Serialization.unmarshal(doc)).toList();
    }
  }

  private static Stream<String> documents(Path file) {
    try {
      return Arrays.stream(Files.readString(file).split("(?m)^---$")).filter(d -> !d.isBlank());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static <T extends HasMetadata> T one(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("The Role lives in the target namespace and allows deleting and recreating pods, never secrets or exec")
  void roleIsMinimal() {
    Role role = one(Role.class);

    assertThat(role.getMetadata().getNamespace()).isEqualTo("token-labs");
    PolicyRule pods = role.getRules().stream().filter(r -> r.getResources().contains("pods")).findFirst().orElseThrow();
    assertThat(pods.getVerbs()).contains("delete", "create", "get", "list");
    assertThat(role.getRules()).flatExtracting(PolicyRule::getResources).doesNotContain("secrets", "pods/exec", "*");
    assertThat(role.getRules()).flatExtracting(PolicyRule::getVerbs).doesNotContain("*");
  }

  @Test
  @DisplayName("Both bindings and the CronJob use the same ServiceAccount")
  void bindingsMatchTheServiceAccount() {
    RoleBinding binding = one(RoleBinding.class);
    ClusterRoleBinding clusterBinding = one(ClusterRoleBinding.class);
    CronJob cronJob = one(CronJob.class);

    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo("tokenlabs-chaos");
      assertThat(s.getNamespace()).isEqualTo("tokenlabs-chaos");
    });
    assertThat(clusterBinding.getSubjects()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo("tokenlabs-chaos"));
    assertThat(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("tokenlabs-chaos");
  }

  @Test
  @DisplayName("The CronJob never overlaps, never retries, is bounded in time, and keeps its journal on a volume")
  void cronJobIsBounded() {
    CronJob cronJob = one(CronJob.class);
    var job = cronJob.getSpec().getJobTemplate().getSpec();

    assertThat(cronJob.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    assertThat(job.getBackoffLimit()).isZero();
    assertThat(job.getActiveDeadlineSeconds()).isPositive();
    assertThat(job.getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName()).containsExactly("tokenlabs-chaos-journal");
  }

  @Test
  @DisplayName("The shipped cluster.yaml is valid engine configuration, allowing only the in-cluster context")
  void configIsAccepted() throws IOException {
    String yaml = one(ConfigMap.class).getData().get("cluster.yaml");
    Path file = Files.createTempFile("cluster", ".yaml");
    Files.writeString(file, yaml);
    Map<String, String> props = Map.of("tokenlabs.chaos.config", file.toString());

    ChaosConfig config = ConfigLoader.load(k -> Optional.ofNullable(props.get(k)));

    assertThat(config.target()).isEqualTo("cluster");
    assertThat(config.kubernetes().allowedContexts()).containsExactly("in-cluster");
    assertThat(config.allowedNamespaces()).containsExactly("token-labs");
    assertThat(config.journalDir()).isEqualTo(Path.of("/var/lib/tokenlabs-chaos"));
    Files.delete(file);
  }
}
