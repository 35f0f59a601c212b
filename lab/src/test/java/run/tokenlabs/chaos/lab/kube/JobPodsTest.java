package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How the lab's Job controller names indexes, resolves commands, bounds heaps and cuts logs. */
class JobPodsTest {
  @Test
  @DisplayName("completedIndexes are written as the Job controller writes them: runs of 3+ as ranges, pairs as two")
  void completedIndexes() {
    assertThat(JobPods.ranges(new TreeSet<>(List.of(0, 1)))).isEqualTo("0,1");
    assertThat(JobPods.ranges(new TreeSet<>(List.of(5, 0, 1, 2, 3, 7, 8)))).isEqualTo("0-3,5,7,8");
    assertThat(JobPods.ranges(new TreeSet<>(List.of(4)))).isEqualTo("4");
    assertThat(JobPods.ranges(new TreeSet<>())).isEmpty();
  }

  @Test
  @DisplayName("the longest registered prefix of command + args picks the main class; the rest are its arguments")
  void longestPrefixWins() {
    JobCommands commands = new JobCommands(Map.of(List.of("tokenlabs-chaos"), "a.Cli",
        List.of("tokenlabs-chaos", "load-worker"), "a.Worker"));

    assertThat(commands.resolve(List.of("tokenlabs-chaos", "load-worker", "--shard", "2")))
        .contains(new JobCommands.Launch("a.Worker", List.of("--shard", "2")));
    assertThat(commands.resolve(List.of("tokenlabs-chaos", "run"))).contains(new JobCommands.Launch("a.Cli",
        List.of("run")));
    assertThat(commands.resolve(List.of("python3", "tokenlabs-chaos"))).isEmpty();
    assertThat(commands.resolve(List.of())).isEmpty();
    assertThat(commands.unknown(List.of("python3", "w.py"))).contains("[python3, w.py]")
        .contains("LabOptions.jobCommand");
  }

  @Test
  @DisplayName("a worker's heap is three quarters of its container's memory limit, 256 MiB without one")
  void heapFromMemoryLimit() {
    assertThat(LocalWorker.heapMib(new ContainerBuilder().build())).isEqualTo(256);
    assertThat(LocalWorker.heapMib(new ContainerBuilder().withNewResources()
        .addToLimits("memory", new Quantity("1Gi")).endResources().build())).isEqualTo(768);
    assertThat(LocalWorker.heapMib(new ContainerBuilder().withNewResources()
        .addToLimits("memory", new Quantity("16Mi")).endResources().build())).isEqualTo(32);
  }

  @Test
  @DisplayName("tailLines and limitBytes select the end of a pod's log and cut it to a byte count")
  void logSelection() {
    String log = "one\ntwo\nthree\n";
    assertThat(PodLogs.select(log, Map.of())).isEqualTo(log);
    assertThat(PodLogs.select(log, Map.of("tailLines", "2"))).isEqualTo("two\nthree\n");
    assertThat(PodLogs.select(log, Map.of("tailLines", "9"))).isEqualTo(log);
    assertThat(PodLogs.select(log, Map.of("limitBytes", "5"))).isEqualTo("one\nt");
    assertThat(PodLogs.select("", Map.of("tailLines", "1"))).isEmpty();
  }
}
