package run.tokenlabs.chaos.probes.api;

import java.util.Objects;

/**
 * One finding of the controller audit: a pod that nothing will bring back.
 *
 * @param namespace the pod's namespace
 * @param pod the pod's name
 * @param kind what is wrong
 * @param evidence the fields that show it, e.g. {@code ownerReferences: [], restartPolicy: Never, node: spark-01}
 */
public record ControllerFinding(String namespace, String pod, Kind kind, String evidence) {
  public ControllerFinding {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(evidence, "evidence");
  }

  /** The kinds of finding. */
  public enum Kind {
    /** No ownerReferences: a deleted pod is not recreated by any controller. */
    NO_CONTROLLER("bare pod: no controller (no ownerReferences), a deleted pod is not recreated"),
    /** restartPolicy Never: a crashed container is not restarted in place. */
    RESTART_POLICY_NEVER("restartPolicy Never: a crashed container is not restarted");

    private final String meaning;

    Kind(String meaning) {
      this.meaning = meaning;
    }

    public String meaning() {
      return meaning;
    }
  }

  @Override
  public String toString() {
    return namespace + "/" + pod + ": " + kind.meaning() + " (" + evidence + ")";
  }
}
