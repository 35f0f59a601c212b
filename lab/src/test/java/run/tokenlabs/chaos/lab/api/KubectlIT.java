package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code kubectl} against a started lab, as a person would use it: every command here failed
 * or printed less than against a cluster before the lab's API server was made to behave like one.
 * Skipped, with the reason, only where kubectl is not installed.
 */
@LabTest(rules = "src/test/resources/lab-rules")
class KubectlIT {
  private static final String LLAMA = "llama-3-1-8b";
  private static final String DEEPSEEK = "deepseek-r1-7b";

  @TempDir
  Path dir;
  private Kubectl kubectl;

  @BeforeEach
  void kubectl(Lab lab) {
    org.junit.jupiter.api.Assumptions.assumeTrue(Kubectl.installed(),
        "kubectl is not on PATH (Debian: apt-get install -y kubectl; .ci/run installs it)");
    kubectl = new Kubectl(lab.kubeconfigPath(), dir);
  }

  @Test
  @DisplayName("kubectl version shows the lab's server version")
  void version() throws Exception {
    Kubectl.Result r = kubectl.run("version");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("Server Version: v1.32.4+tokenlabs.lab");
  }

  @Test
  @DisplayName("get pods -o wide shows IP and NODE; get pod NAME the same columns as the list; all pods Ready")
  void getPods(Lab lab) throws Exception {
    Kubectl.Result wide = kubectl.run("get", "pods", "-n", "token-labs", "-o", "wide");
    Kubectl.Result one = kubectl.run("get", "pod", LabProfile.DEEPSEEK_POD, "-n", "token-labs");
    Kubectl.Result all = kubectl.run("get", "pods", "-A");

    assertThat(wide.exitCode()).as(wide.output()).isZero();
    assertThat(wide.output().lines().findFirst().orElseThrow()).contains("NAME", "READY", "STATUS", "IP", "NODE");
    String deepseekNode = lab.profile().model("deepseek-r1-7b").node();
    assertThat(Kubectl.line(wide.output(), LabProfile.DEEPSEEK_POD)).contains("1/1", "Running", "127.0.0.1", deepseekNode);
    assertThat(one.output().lines().findFirst().orElseThrow()).contains("NAME", "READY", "STATUS", "RESTARTS", "AGE");
    assertThat(Kubectl.line(one.output(), LabProfile.DEEPSEEK_POD)).contains("1/1", "Running");
    assertThat(all.output().lines().skip(1).toList()).as(all.output())
        .hasSizeGreaterThanOrEqualTo(2 + lab.profile().nodes().size() + 1)
        .allSatisfy(row -> assertThat(row).contains("1/1", "Running"))
        .anySatisfy(row -> assertThat(row).contains("monitoring", "prometheus-k8s-0"))
        .anySatisfy(row -> assertThat(row).contains("gpu-operator", "nvidia-dcgm-exporter-"));
  }

  @Test
  @DisplayName("describe pod prints the pod with its node, conditions and events")
  void describePod(Lab lab) throws Exception {
    Kubectl.Result r = kubectl.run("describe", "pod", LabProfile.DEEPSEEK_POD, "-n", "token-labs");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("Name:", LabProfile.DEEPSEEK_POD, "Node:", "vllm/vllm-openai", "Ready")
        .contains("Events:", "Scheduled", "default-scheduler", "Started container vllm");
  }

  @Test
  @DisplayName("create -f with validation on: a valid manifest is created, a misspelt field is refused")
  void createWithValidation() throws Exception {
    Path good = Files.writeString(dir.resolve("good.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: kubectl-it-settings
          namespace: token-labs
        data:
          mode: lab
        """);
    Path typo = Files.writeString(dir.resolve("typo.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: kubectl-it-typo
          namespace: token-labs
        dta:
          mode: lab
        """);

    Kubectl.Result created = kubectl.run("create", "-f", good.toString(), "--validate=true");
    Kubectl.Result refused = kubectl.run("create", "-f", typo.toString(), "--validate=true");

    try {
      assertThat(created.exitCode()).as(created.output()).isZero();
      assertThat(created.output()).contains("configmap/kubectl-it-settings created");
      assertThat(refused.exitCode()).as(refused.output()).isNotZero();
      assertThat(refused.output()).contains("strict decoding error: unknown field \"dta\"");
      assertThat(kubectl.run("get", "configmap", "kubectl-it-settings", "-n", "token-labs", "-o",
          "jsonpath={.data.mode}").output()).isEqualTo("lab");
    } finally {
      kubectl.run("delete", "configmap", "kubectl-it-settings", "-n", "token-labs", "--ignore-not-found");
    }
  }

  @Test
  @DisplayName("apply -f, changed and applied again (strategic merge), and apply -k k8s-rbac/ as the README says")
  void apply() throws Exception {
    Path v1 = Files.writeString(dir.resolve("v1.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: kubectl-it-applied
          namespace: token-labs
        data:
          mode: lab
          replicas: "1"
        """);
    Path v2 = Files.writeString(dir.resolve("v2.yaml"),
        Files.readString(v1).replace("replicas: \"1\"", "level: \"2\""));
    Path rbac = Path.of("../k8s-rbac").toAbsolutePath().normalize();
    try {
      Kubectl.Result created = kubectl.run("apply", "-f", v1.toString());
      Kubectl.Result changed = kubectl.run("apply", "-f", v2.toString());
      Kubectl.Result data = kubectl.run("get", "configmap", "kubectl-it-applied", "-n", "token-labs", "-o",
          "jsonpath={.data}");
      Kubectl.Result runner = kubectl.run("apply", "-k", rbac.toString());

      assertThat(created.output()).contains("configmap/kubectl-it-applied created");
      assertThat(changed.output()).as(changed.output()).contains("configmap/kubectl-it-applied configured");
      assertThat(data.output()).contains("\"level\":\"2\"", "\"mode\":\"lab\"").doesNotContain("replicas");
      assertThat(runner.exitCode()).as(runner.output()).isZero();
      assertThat(runner.output()).contains("serviceaccount/tokenlabs-chaos created",
          "role.rbac.authorization.k8s.io/tokenlabs-chaos created", "cronjob.batch/tokenlabs-chaos-gameday created");
    } finally {
      kubectl.run("delete", "configmap", "kubectl-it-applied", "-n", "token-labs", "--ignore-not-found");
      kubectl.run("delete", "-k", rbac.toString(), "--ignore-not-found");
    }
  }

  @Test
  @DisplayName("get pods -w follows a force-delete and the ReplicaSet's replacement; get events tells the story")
  void watchAndEventsOfAForceDelete(Lab lab) throws Exception {
    var pods = lab.kubernetesClient().pods().inNamespace("token-labs");
    Pod victim = pods.withLabel("app", LLAMA).list().getItems().get(0);
    String name = victim.getMetadata().getName();
    Process watch = kubectl.start("get", "pods", "-n", "token-labs", "-w", "--request-timeout=120s");
    try {
      await("kubectl get -w printed the pods").atMost(Duration.ofSeconds(30))
          .until(() -> read(watch).contains(name));
      // the list is printed before the watch request opens, and the mock server replays nothing: a change the
      // watch prints proves it open, so the delete cannot fall between the list and the watch
      pods.withName(name).edit(p -> new io.fabric8.kubernetes.api.model.PodBuilder(p).editMetadata()
          .addToAnnotations("kubectl-it/watch-open", "yes").endMetadata().build());
      await("kubectl's watch printed a change to " + name).atMost(Duration.ofSeconds(30))
          .until(() -> read(watch).lines().filter(l -> l.startsWith(name)).count() >= 2);

      pods.withName(name).withGracePeriod(0).delete();

      await("the watch shows the deleted pod Terminating and its replacement Running")
          .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(read(watch).lines().toList()).as("kubectl get pods -w printed")
              .anySatisfy(l -> assertThat(l).startsWith(name).contains("Terminating"))
              .anySatisfy(l -> assertThat(l).startsWith(LLAMA).doesNotStartWith(name).contains("1/1", "Running")));
    } finally {
      watch.destroy();
    }

    Kubectl.Result events = kubectl.run("get", "events", "-n", "token-labs");
    assertThat(events.exitCode()).as(events.output()).isZero();
    assertThat(events.output().lines().findFirst().orElseThrow())
        .contains("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
    List<String> story = events.output().lines().toList();
    int killing = Kubectl.lastLineWith(story, "Killing", "pod/" + name);
    int created = Kubectl.lastLineWith(story, "SuccessfulCreate", "replicaset/" + LLAMA);
    assertThat(killing).as("Killing of %s in:%n%s", name, events.output()).isNotNegative();
    assertThat(created).as("the ReplicaSet's SuccessfulCreate after the Killing in:%n%s", events.output())
        .isGreaterThan(killing);
    assertThat(story.subList(created, story.size())).as(events.output())
        .anySatisfy(l -> assertThat(l).contains("Scheduled"))
        .anySatisfy(l -> assertThat(l).contains("Pulled"))
        .anySatisfy(l -> assertThat(l).contains("Started container sglang"));
    await("one Ready replacement, as the other tests expect").atMost(Duration.ofSeconds(30))
        .until(() -> pods.withLabel("app", LLAMA).list().getItems().stream().filter(KubectlIT::ready).count() == 1
            && pods.withLabel("app", LLAMA).list().getItems().size() == 1);
  }

  @Test
  @DisplayName("exec into a DCGM pod: dcgmi injects XID 79 (DCGM_FI_DEV_XID_ERRORS 79), 0 clears it; "
      + "an unknown command exits non-zero with the runtime's message")
  void execDcgmi(Lab lab) throws Exception {
    String node = lab.profile().model(DEEPSEEK).node();
    String dcgm = lab.kubernetesClient().pods().inNamespace("gpu-operator").list().getItems().stream()
        .filter(p -> node.equals(p.getSpec().getNodeName())).findFirst().orElseThrow().getMetadata().getName();
    URI exporter = lab.dcgmExporterUrls().get(lab.profile().nodes().indexOf(node));

    Kubectl.Streams injected = kubectl.runApart("exec", "-n", "gpu-operator", dcgm, "--",
        "dcgmi", "test", "--inject", "--gpuid", "0", "-f", "230", "-v", "79");
    double whileInjected = xid(exporter);
    Kubectl.Streams reset = kubectl.runApart("exec", "-n", "gpu-operator", dcgm, "--",
        "dcgmi", "test", "--inject", "--gpuid", "0", "-f", "230", "-v", "0");
    double afterReset = xid(exporter);
    Kubectl.Streams unknown = kubectl.runApart("exec", "-n", "gpu-operator", dcgm, "--", "nvidia-smi", "-q");

    try {
      assertThat(injected.exitCode()).as("%s", injected).isZero();
      assertThat(injected.stdout()).isEqualTo("Successfully injected field info.\n");
      assertThat(injected.stderr()).isEmpty();
      assertThat(whileInjected).as("DCGM_FI_DEV_XID_ERRORS after the inject").isEqualTo(79);
      assertThat(reset.exitCode()).as("%s", reset).isZero();
      assertThat(afterReset).as("DCGM_FI_DEV_XID_ERRORS after the reset").isZero();
      assertThat(unknown.exitCode()).as("%s", unknown).isEqualTo(126);
      assertThat(unknown.stdout()).isEmpty();
      assertThat(unknown.stderr()).contains("exec: \"nvidia-smi\": executable file not found in $PATH",
          "command terminated with exit code 126");
    } finally {
      var pods = lab.kubernetesClient().pods().inNamespace("token-labs");
      await("DeepSeek's model server Ready again after the GPU reset, as the other tests expect")
          .atMost(Duration.ofSeconds(30)).until(() -> ready(pods.withName(LabProfile.DEEPSEEK_POD).get()));
    }
  }

  /** The value of {@code DCGM_FI_DEV_XID_ERRORS} on the exporter's page (one GPU per node in the lab). */
  private static double xid(URI exporter) throws Exception {
    String line = OpenAiCalls.get(exporter).lines().filter(l -> l.startsWith("DCGM_FI_DEV_XID_ERRORS{"))
        .findFirst().orElseThrow(() -> new AssertionError("no DCGM_FI_DEV_XID_ERRORS sample at " + exporter));
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  private static boolean ready(Pod p) {
    return p.getStatus() != null && p.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String read(Process p) throws IOException {
    return Files.readString(kubectl.output(p));
  }
}
