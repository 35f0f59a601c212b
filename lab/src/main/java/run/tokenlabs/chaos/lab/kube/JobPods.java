package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The pods of an Indexed Job as the Job controller makes them from its template: named
 * {@code <job>-<index>-<5 random chars>}, labelled with the Job's name, uid and the completion index
 * (the index also as an annotation), owned by the Job, hostname {@code <job>-<index>}, and
 * {@code JOB_COMPLETION_INDEX} in every container's environment (from the annotation, through the
 * downward API, as the controller writes it).
 */
final class JobPods {
  static final String JOB_NAME = "job-name";
  static final String BATCH_JOB_NAME = "batch.kubernetes.io/job-name";
  static final String INDEX = "batch.kubernetes.io/job-completion-index";
  static final String CONTROLLER_UID = "controller-uid";
  static final String BATCH_CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String INDEX_VARIABLE = "JOB_COMPLETION_INDEX";

  private JobPods() {}

  /** The pod for completion {@code index}, bound to {@code node} and Pending. */
  static Pod pod(Job job, int index, String node) {
    String name = job.getMetadata().getName();
    String uid = job.getMetadata().getUid();
    var template = job.getSpec().getTemplate();
    ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    Map<String, String> labels = new LinkedHashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
    labels.put(CONTROLLER_UID, uid);
    labels.put(BATCH_CONTROLLER_UID, uid);
    labels.put(JOB_NAME, name);
    labels.put(BATCH_JOB_NAME, name);
    labels.put(INDEX, String.valueOf(index));
    Map<String, String> annotations = new LinkedHashMap<>(meta.getAnnotations() == null ? Map.of()
        : meta.getAnnotations());
    annotations.put(INDEX, String.valueOf(index));
    List<Container> containers = new ArrayList<>();
    for (Container c : template.getSpec().getContainers()) {
      containers.add(withIndex(c));
    }
    List<Container> inits = new ArrayList<>();
    if (template.getSpec().getInitContainers() != null) {
      template.getSpec().getInitContainers().forEach(c -> inits.add(withIndex(c)));
    }
    return new PodBuilder().withNewMetadata().withName(name + "-" + index + "-" + Topology.randomSuffix(5))
        .withGenerateName(name + "-" + index + "-").withNamespace(job.getMetadata().getNamespace())
        .withLabels(labels).withAnnotations(annotations)
        .withOwnerReferences(Topology.owner("batch/v1", "Job", name, uid)).endMetadata()
        .withSpec(template.getSpec()).editSpec().withContainers(containers).withInitContainers(inits)
        .withHostname(name + "-" + index).withNodeName(node).endSpec()
        .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("True")
        .endCondition().endStatus().build();
  }

  private static Container withIndex(Container c) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName(INDEX_VARIABLE).withNewValueFrom().withNewFieldRef()
        .withFieldPath("metadata.annotations['" + INDEX + "']").endFieldRef().endValueFrom().build());
    if (c.getEnv() != null) {
      c.getEnv().stream().filter(v -> !INDEX_VARIABLE.equals(v.getName())).forEach(env::add);
    }
    return new ContainerBuilder(c).withEnv(env).build();
  }

  /** The completion index of a Job pod, -1 when it has none. */
  static int index(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(INDEX);
    return value == null ? -1 : Integer.parseInt(value);
  }

  /** Indexes as the Job's {@code status.completedIndexes} writes them: ascending, runs of three or more as ranges ("0-2,5,7,8"). */
  static String ranges(SortedSet<Integer> indexes) {
    StringBuilder out = new StringBuilder();
    Integer start = null;
    Integer previous = null;
    for (int i : indexes) {
      if (previous != null && i == previous + 1) {
        previous = i;
        continue;
      }
      append(out, start, previous);
      start = i;
      previous = i;
    }
    append(out, start, previous);
    return out.toString();
  }

  private static void append(StringBuilder out, Integer start, Integer end) {
    if (start == null) {
      return;
    }
    out.append(out.length() == 0 ? "" : ",").append(start);
    if (end > start) {
      out.append(end == start + 1 ? "," : "-").append(end); // a run of two is written as two numbers
    }
  }
}
