package run.tokenlabs.chaos.scenarios.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.engine.config.ConfigLoader;

/** The in-cluster manifests grant what the faults need and no more, and carry a configuration the engine accepts. */
class RbacManifestsTest {
  static K8sRbacManifests manifests;

  @BeforeAll
  static void load() throws IOException {
    manifests = K8sRbacManifests.load();
  }

  private static <T extends HasMetadata> T one(Class<T> type) {
    return manifests.one(type);
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

  private static PodSpec cronJobPod() {
    return one(CronJob.class).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
  }

  private static Container gameday() {
    return cronJobPod().getContainers().stream().filter(c -> c.getName().equals("gameday")).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("The runner's namespace enforces the restricted Pod Security standard")
  void namespaceEnforcesRestricted() {
    Namespace namespace = manifests.all(Namespace.class).stream()
        .filter(n -> n.getMetadata().getName().equals("tokenlabs-chaos")).findFirst().orElseThrow();

    assertThat(namespace.getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
        .containsEntry("pod-security.kubernetes.io/enforce-version", "latest");
  }

  @Test
  @DisplayName("The CronJob's pod meets restricted: non-root, RuntimeDefault seccomp, no escalation, no capabilities")
  void cronJobSecurityContext() {
    PodSpec pod = cronJobPod();
    var container = gameday().getSecurityContext();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getRunAsNonRoot()).isTrue();
    assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  @DisplayName("With a read-only root filesystem, /tmp is an emptyDir of bounded size and the JVM's home and temp directory")
  void writableDirectoriesAreBoundedEmptyDirs() {
    Map<String, Volume> volumes = cronJobPod().getVolumes().stream()
        .collect(java.util.stream.Collectors.toMap(Volume::getName, v -> v));
    Map<String, String> mounts = gameday().getVolumeMounts().stream()
        .collect(java.util.stream.Collectors.toMap(m -> m.getMountPath(), m -> m.getName()));
    String javaOpts = gameday().getEnv().stream().filter(e -> e.getName().equals("JAVA_OPTS")).findFirst()
        .orElseThrow().getValue();

    assertThat(mounts).as("a volume at /tmp").containsKey("/tmp");
    Volume volume = volumes.get(mounts.get("/tmp"));
    assertThat(volume.getEmptyDir()).as("/tmp is an emptyDir").isNotNull();
    assertThat(volume.getEmptyDir().getSizeLimit()).as("/tmp is bounded").isNotNull();
    assertThat(javaOpts).as("the JVM writes only where a volume is").contains("-Duser.home=/tmp", "-Djava.io.tmpdir=/tmp");
    assertThat(cronJobPod().getVolumes()).as("restricted allows no hostPath")
        .allSatisfy(v -> assertThat(v.getHostPath()).isNull());
  }

  @Test
  @DisplayName("The CronJob requests and limits CPU, memory and ephemeral storage, requests within limits")
  void resourcesRequestedAndLimited() {
    Map<String, Quantity> requests = gameday().getResources().getRequests();
    Map<String, Quantity> limits = gameday().getResources().getLimits();

    for (String resource : List.of("cpu", "memory", "ephemeral-storage")) {
      assertThat(requests).as("requests").containsKey(resource);
      assertThat(limits).as("limits").containsKey(resource);
      assertThat(Quantity.getAmountInBytes(requests.get(resource)))
          .as("%s request within its limit", resource).isLessThanOrEqualTo(Quantity.getAmountInBytes(limits.get(resource)));
    }
  }

  @Test
  @DisplayName("The entrypoint is exec form: the runner's launcher itself, armed, no shell in between that would swallow SIGTERM")
  void entrypointIsExecForm() {
    List<String> command = gameday().getCommand();

    assertThat(command).as("an explicit command").isNotEmpty();
    assertThat(command.get(0)).isEqualTo("/opt/tokenlabs-chaos/bin/tokenlabs-chaos");
    assertThat(gameday().getArgs()).as("the ConfigMap's configuration, armed for the cluster")
        .containsSubsequence("--config", "/etc/tokenlabs-chaos/cluster.yaml").contains("--arm");
    assertThat(command).noneMatch(a -> List.of("sh", "bash", "/bin/sh", "/bin/bash", "-c").contains(a));
    assertThat(gameday().getArgs()).noneMatch(a -> a.equals("-c"));
  }

  @Test
  @DisplayName("The image is pinned by digest in kustomization.yaml, never by tag")
  void imageByDigest() throws IOException {
    JsonNode kustomization = new ObjectMapper(new YAMLFactory())
        .readTree(K8sRbacManifests.directory().resolve("kustomization.yaml").toFile());
    JsonNode image = kustomization.path("images").get(0);

    assertThat(gameday().getImage()).isEqualTo(image.path("name").asText());
    assertThat(image.path("digest").asText()).matches("sha256:[0-9a-f]{64}");
    assertThat(image.has("newTag")).as("no tag beside the digest").isFalse();
  }

  @Test
  @DisplayName("kubectl kustomize renders the CronJob's image as name@sha256:digest")
  void kustomizeRendersDigest() throws Exception {
    Optional<String> rendered = kustomize();
    assumeThat(rendered).as("kubectl is not installed, so the kustomization cannot be rendered here").isPresent();

    assertThat(rendered.get()).containsPattern("image: \\S+@sha256:[0-9a-f]{64}\\n");
  }

  private static Optional<String> kustomize() throws Exception {
    Process kubectl;
    try {
      kubectl = new ProcessBuilder("kubectl", "kustomize", K8sRbacManifests.directory().toString())
          .redirectErrorStream(true).start();
    } catch (IOException notInstalled) {
      return Optional.empty();
    }
    String output = new String(kubectl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
    assertThat(kubectl.exitValue()).as("kubectl kustomize: %s", output).isZero();
    return Optional.of(output);
  }

  @Test
  @DisplayName("The key that signs pending rollbacks comes from a read-only Secret mount, outside the journal's volume")
  void journalKeyFromReadOnlySecretOutsideJournal() throws IOException {
    String yaml = one(ConfigMap.class).getData().get("cluster.yaml");
    Path file = Files.createTempFile("cluster", ".yaml");
    Files.writeString(file, yaml);
    Map<String, String> props = Map.of("tokenlabs.chaos.config", file.toString());
    ChaosConfig config = ConfigLoader.load(k -> Optional.ofNullable(props.get(k)));
    Files.delete(file);
    Path keyFile = config.journalKeyFile().orElseThrow(() -> new AssertionError("cluster.yaml sets no journal.keyFile"));

    var mount = gameday().getVolumeMounts().stream().filter(m -> keyFile.startsWith(m.getMountPath())).findFirst()
        .orElseThrow(() -> new AssertionError("no volume mounted above " + keyFile));
    Volume volume = cronJobPod().getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
        .orElseThrow();

    assertThat(mount.getReadOnly()).as("key mount read-only").isTrue();
    assertThat(volume.getSecret()).as("key volume is a Secret").isNotNull();
    assertThat(volume.getSecret().getDefaultMode() & 0022).as("key writable by group or others").isZero();
    assertThat(keyFile.startsWith(config.journalDir())).as("key inside journal.dir").isFalse();
  }
}
