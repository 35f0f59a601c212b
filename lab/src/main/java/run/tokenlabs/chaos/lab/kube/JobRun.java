package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * What the lab's Job controller knows of one Job while it runs: its active pods by completion index,
 * the indexes that succeeded, the pods that failed, and how it ended. Its status is derived from this
 * alone, so writing it again changes nothing. Used on the controller's thread only.
 */
final class JobRun {
  final String namespace;
  final String name;
  final String uid;
  final String startTime;
  /** Completion index to the name of its active pod. */
  final Map<Integer, String> active = new ConcurrentHashMap<>();
  /** Active pods whose process runs (Ready), by name. */
  final Set<String> running = ConcurrentHashMap.newKeySet();
  final SortedSet<Integer> succeeded = new TreeSet<>();
  int failed;
  Job job;
  ScheduledFuture<?> deadline;
  /** The status last written, so an unchanged one is not written again (each write wakes the informer). */
  JobStatus written;
  private final List<JobCondition> conditions = new ArrayList<>();
  private String completionTime;

  JobRun(Job job, Instant now) {
    this.job = job;
    this.namespace = job.getMetadata().getNamespace();
    this.name = job.getMetadata().getName();
    this.uid = job.getMetadata().getUid();
    this.startTime = now.toString();
  }

  int completions() {
    Integer c = job.getSpec().getCompletions();
    return c == null ? 1 : c;
  }

  int parallelism() {
    Integer p = job.getSpec().getParallelism();
    return Math.min(p == null ? 1 : p, completions());
  }

  int backoffLimit() {
    Integer b = job.getSpec().getBackoffLimit();
    return b == null ? 6 : b;
  }

  boolean finished() {
    return !conditions.isEmpty();
  }

  /** Ends the Job as complete: SuccessCriteriaMet, then Complete, as the controller writes them since 1.31. */
  void complete(Instant now) {
    completionTime = now.toString();
    conditions.add(condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods",
        now));
    conditions.add(condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now));
  }

  /** Ends the Job as failed: FailureTarget, then Failed, with the same reason. */
  void fail(String reason, String message, Instant now) {
    conditions.add(condition("FailureTarget", reason, message, now));
    conditions.add(condition("Failed", reason, message, now));
  }

  JobStatus status() {
    JobStatusBuilder b = new JobStatusBuilder().withStartTime(startTime).withActive(active.size())
        .withReady(running.size()).withSucceeded(succeeded.size()).withFailed(failed)
        .withTerminating(0).withConditions(conditions).withNewUncountedTerminatedPods().endUncountedTerminatedPods();
    if (!succeeded.isEmpty()) {
      b.withCompletedIndexes(JobPods.ranges(succeeded));
    }
    if (completionTime != null) {
      b.withCompletionTime(completionTime);
    }
    return b.build();
  }

  private static JobCondition condition(String type, String reason, String message, Instant now) {
    return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
        .withLastProbeTime(now.toString()).withLastTransitionTime(now.toString()).build();
  }
}
