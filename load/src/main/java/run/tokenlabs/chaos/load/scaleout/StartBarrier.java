package run.tokenlabs.chaos.load.scaleout;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The start barrier of a scale-out: the coordinator waits until every worker pod is Running, then
 * writes ConfigMap {@code <job>-start} holding a start instant a little ahead (epoch milliseconds,
 * key {@value #START_KEY}); each worker waits for that ConfigMap and starts its load at that instant.
 * So no worker's load begins while another is still pulling its image, and the merged wall time is
 * the load's. The instant is read on every worker's own clock: on a cluster the nodes' clocks must be
 * synchronised (NTP), or a worker ahead starts early by its offset.
 */
final class StartBarrier {
  static final String START_KEY = "startAtEpochMillis";
  static final Duration POLL = Duration.ofMillis(250);

  private StartBarrier() {
  }

  /**
   * Waits until all {@code workers} pods of {@code job} run, then writes the start ConfigMap with the
   * instant {@code delay} from now, and returns it.
   *
   * @throws IllegalStateException when a worker pod ended or failed before the start, or not all ran
   *     within {@code timeout}, naming each pod that did not and its phase
   */
  static Instant open(KubernetesClient client, String namespace, String job, int workers, Duration timeout,
      Duration delay, Clock clock) {
    var seen = new AtomicReference<List<Pod>>(List.of());
    try {
      Awaitility.await("all " + workers + " worker pods of Job " + namespace + "/" + job + " Running")
          .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
          .until(() -> {
            List<Pod> pods = WorkerPods.of(client, namespace, job);
            seen.set(pods);
            WorkerPods.firstEnded(pods).ifPresent(p -> {
              throw new IllegalStateException("Worker pod " + p.getMetadata().getName() + " of Job " + namespace + "/"
                  + job + " ended before the start (phase " + WorkerPods.phase(p) + "): "
                  + WorkerDiagnosis.of(client, namespace, p));
            });
            return pods.stream().filter(p -> "Running".equals(WorkerPods.phase(p))).count() >= workers;
          });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("Not all " + workers + " worker pods of Job " + namespace + "/" + job
          + " were Running within " + timeout.toSeconds() + " s, so the load was not started (seen: "
          + WorkerPods.summary(seen.get()) + "); check the Job's events (kubectl describe job -n " + namespace + " "
          + job + ") for an image that cannot be pulled or a quota, or give a longer JobWorkers.withStart timeout", e);
    }
    Instant start = clock.instant().plus(delay);
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(WorkerJob.startConfigMap(job))
        .withNamespace(namespace).withLabels(WorkerJob.labels(job)).endMetadata()
        .addToData(START_KEY, Long.toString(start.toEpochMilli())).build();
    client.configMaps().inNamespace(namespace).resource(cm).create();
    return start;
  }

  private static boolean refused(Throwable e) {
    return e instanceof KubernetesClientException k && (k.getCode() == 401 || k.getCode() == 403);
  }

  /**
   * A worker's side: waits for the start ConfigMap of {@code job} and returns its instant.
   *
   * @throws IllegalStateException when it does not appear within {@code timeout}, or holds no instant
   */
  static Instant await(KubernetesClient client, String namespace, String job, Duration timeout) {
    String name = WorkerJob.startConfigMap(job);
    var found = new AtomicReference<ConfigMap>();
    try {
      Awaitility.await("start ConfigMap " + namespace + "/" + name).atMost(timeout).pollDelay(Duration.ZERO)
          // the API server may be briefly unreachable; a refusal (401, 403) will not change, so it ends the wait
          .pollInterval(POLL).ignoreExceptionsMatching(e -> !refused(e))
          .until(() -> {
            found.set(client.configMaps().inNamespace(namespace).withName(name).get());
            return found.get() != null;
          });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("The start ConfigMap " + namespace + "/" + name + " did not appear within "
          + timeout.toSeconds() + " s, so this worker did not start its load: the coordinator writes it once every "
          + "worker pod runs, and gave up or was stopped; see the coordinator's error", e);
    }
    String millis = found.get().getData() == null ? null : found.get().getData().get(START_KEY);
    try {
      return Instant.ofEpochMilli(Long.parseLong(millis));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("The start ConfigMap " + namespace + "/" + name + " holds '" + millis + "' under "
          + START_KEY + ", expected epoch milliseconds; it must be the one a coordinator of this version wrote", e);
    }
  }
}
