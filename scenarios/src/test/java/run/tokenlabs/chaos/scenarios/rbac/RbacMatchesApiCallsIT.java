package run.tokenlabs.chaos.scenarios.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineTestKit;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.scenarios.lab.LabTargetApiCall;
import run.tokenlabs.chaos.scenarios.lab.LabTargetProvider;
import run.tokenlabs.chaos.testkit.GameDayJournal;

/**
 * The runner's RBAC in {@code k8s-rbac/} is exactly what the code calls: the game day's experiments
 * that touch Kubernetes run on the lab through the real engine, the lab target records every API
 * call made through its client (engine safety checks, capability checks, faults, rollbacks, probes,
 * the experiments' own reads), and every call must be granted by the Role or the ClusterRole while
 * every granted verb must have been used by some call.
 */
class RbacMatchesApiCallsIT {
  /** The game day's experiments that use the Kubernetes API; {@link #everyKubernetesExperimentIsRun()} keeps it whole. */
  static final List<String> KUBERNETES_EXPERIMENTS = List.of(
      // in the game day's order: each leaves the lab as the next one's steady state expects it
      "run.tokenlabs.chaos.scenarios.experiments.BoundaryInventoryIT",
      "run.tokenlabs.chaos.scenarios.experiments.SilentTruncationIT",
      "run.tokenlabs.chaos.scenarios.experiments.LatencyInjectionIT",
      "run.tokenlabs.chaos.scenarios.experiments.NetworkPartitionIT",
      "run.tokenlabs.chaos.scenarios.experiments.ContainerKillIT",
      "run.tokenlabs.chaos.scenarios.experiments.ControllerPodForceDeleteIT",
      "run.tokenlabs.chaos.scenarios.experiments.RollingRestartUnderLoadIT",
      "run.tokenlabs.chaos.scenarios.experiments.BarePodForceDeleteIT",
      "run.tokenlabs.chaos.scenarios.experiments.GpuXidFellOffBusIT",
      "run.tokenlabs.chaos.scenarios.experiments.NodeDrainUnderLoadIT");
  private static final Path EXPERIMENT_SOURCES = K8sRbacManifests.moduleDirectory()
      .resolve("src/test/java/run/tokenlabs/chaos/scenarios/experiments");
  private static final Path WORK = K8sRbacManifests.moduleDirectory().resolve("target/rbac");
  /** The built-in Kubernetes faults' entry point, not the lab's SimulatorFaults. */
  private static final java.util.regex.Pattern BUILT_IN_FAULTS = java.util.regex.Pattern.compile("(?<![A-Za-z])Faults\\.");
  static Set<LabTargetApiCall> calls;
  static List<VerdictReached> verdicts;

  @BeforeAll
  static void playTheKubernetesExperiments() throws IOException {
    deleteRecursively(WORK);
    Path log = Files.createDirectories(WORK).resolve("kubernetes-api-calls.tsv");
    Path journal = WORK.resolve("journal");
    String previous = System.setProperty(LabTargetProvider.API_CALL_LOG_PROPERTY, log.toString());
    try {
      EngineTestKit.engine("junit-jupiter")
          .configurationParameter("tokenlabs.chaos.target", "lab")
          .configurationParameter("tokenlabs.chaos.lab.profile", "gb10")
          .configurationParameter("tokenlabs.chaos.journal.dir", journal.toString())
          // GPU-1 execs into the DCGM pods: their namespace is allowed as the opt-in Role expects
          .configurationParameter("tokenlabs.chaos.namespaces.allowed", "token-labs,gpu-operator")
          .selectors(KUBERNETES_EXPERIMENTS.stream().map(c -> selectClass(c)).toArray(DiscoverySelector[]::new))
          .execute();
    } finally {
      if (previous == null) {
        System.clearProperty(LabTargetProvider.API_CALL_LOG_PROPERTY);
      } else {
        System.setProperty(LabTargetProvider.API_CALL_LOG_PROPERTY, previous);
      }
    }
    calls = Files.exists(log) ? Files.readAllLines(log).stream().map(LabTargetApiCall::fromLine)
        .collect(Collectors.toCollection(TreeSet::new)) : new TreeSet<>();
    verdicts = Files.isDirectory(journal) ? GameDayJournal.newestIn(journal).events(VerdictReached.class) : List.of();
  }

  @Test
  @DisplayName("Every experiment injected and observed (HELD or DEVIATED), so all its calls are recorded")
  void everyExperimentRan() {
    for (String experiment : KUBERNETES_EXPERIMENTS) {
      String simpleName = experiment.substring(experiment.lastIndexOf('.') + 1);
      assertThat(verdicts).as("verdicts of %s", simpleName)
          .filteredOn(v -> v.experiment().contains(" " + simpleName + "#")).isNotEmpty();
    }
    // BLOCKED, ABORTED and ERROR stop before or during the fault: the calls after it would be missing
    assertThat(verdicts).allSatisfy(v -> assertThat(v.verdict())
        .as("%s: %s", v.experiment(), v.message())
        .isIn(Verdict.HELD, Verdict.DEVIATED));
  }

  @Test
  @DisplayName("The recorder saw the fault, the rollback and the engine's namespace check")
  void recorderSawTheRun() {
    assertThat(calls).extracting(LabTargetApiCall::toString)
        .contains("delete pods in token-labs", "create pods in token-labs", "get namespaces (cluster-scoped)");
  }

  @Test
  @DisplayName("Every Kubernetes API call of the run is granted by k8s-rbac's Role, ClusterRole or its opt-in Roles and ClusterRoles")
  void everyCallIsGranted() throws IOException {
    RbacGrants grants = grants();

    assertThat(grants.denied(calls)).as("calls the runner's ServiceAccount would be refused (403) on a cluster; "
        + "grant them in k8s-rbac/ or stop making them. All calls: %s", calls).isEmpty();
  }

  @Test
  @DisplayName("No rule of k8s-rbac grants a verb that nothing calls")
  void noUnusedPermission() throws IOException {
    RbacGrants grants = grants();

    assertThat(grants.unused(calls)).as("permissions no call of the run used: remove them from k8s-rbac/, a "
        + "runner should hold only what it uses. All calls: %s", calls).isEmpty();
  }

  @Test
  @DisplayName("Every experiment whose source uses the Kubernetes API or a built-in fault is in this test's list")
  void everyKubernetesExperimentIsRun() throws IOException {
    try (Stream<Path> files = Files.list(EXPERIMENT_SOURCES)) {
      List<String> touching = files.filter(f -> f.toString().endsWith("IT.java")).filter(RbacMatchesApiCallsIT::usesKubernetes)
          .map(f -> "run.tokenlabs.chaos.scenarios.experiments." + f.getFileName().toString().replace(".java", ""))
          .sorted().toList();

      assertThat(KUBERNETES_EXPERIMENTS).as("experiments to run here, found by their sources in %s", EXPERIMENT_SOURCES)
          .containsExactlyInAnyOrderElementsOf(touching);
    }
  }

  private static boolean usesKubernetes(Path source) {
    try {
      String text = Files.readString(source);
      return text.contains(".kubernetes()") || BUILT_IN_FAULTS.matcher(text).find();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RbacGrants grants() throws IOException {
    K8sRbacManifests manifests = K8sRbacManifests.load();
    List<Role> roles = new java.util.ArrayList<>(List.of(manifests.one(Role.class)));
    roles.addAll(K8sRbacManifests.optIn().all(Role.class));
    List<ClusterRole> clusterRoles = new java.util.ArrayList<>(List.of(manifests.one(ClusterRole.class)));
    clusterRoles.addAll(K8sRbacManifests.optIn().all(ClusterRole.class));
    return RbacGrants.of(roles, clusterRoles);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
