package run.tokenlabs.chaos.engine.testing;

import java.time.Duration;
import java.util.Set;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * A custom fault as an author might write one, that declares one set of namespaces and deletes a pod
 * wherever it is told: the blast radius must stop it from what it sends, not from what it declares.
 * {@code beforeAct} runs between prepare and act (e.g. someone removing the namespace's chaos label).
 */
public final class DeletePodFault implements Fault<DeletePodFault.NothingToUndo> {
  private final Set<String> declared;
  private final String namespace;
  private final String pod;
  private final Runnable beforeAct;

  public DeletePodFault(Set<String> declared, String namespace, String pod, Runnable beforeAct) {
    this.declared = declared;
    this.namespace = namespace;
    this.pod = pod;
    this.beforeAct = beforeAct;
  }

  public DeletePodFault(Set<String> declared, String namespace, String pod) {
    this(declared, namespace, pod, () -> { });
  }

  @Override
  public String description() {
    return "delete pod " + namespace + "/" + pod;
  }

  @Override
  public Set<String> namespaces() {
    return declared;
  }

  @Override
  public NothingToUndo prepare(Target target) {
    return new NothingToUndo(namespace + "/" + pod);
  }

  @Override
  public void act(Target target, NothingToUndo rollback) {
    beforeAct.run();
    target.kubernetes().pods().inNamespace(namespace).withName(pod).delete();
  }

  /** The test checks the pod itself; nothing is recreated, so the pod's absence after a run means it was deleted. */
  public record NothingToUndo(String pod) implements Rollback {
    @Override
    public String description() {
      return "nothing (test fault on " + pod + ")";
    }

    @Override
    public void undo(Target target, Duration timeout) {
      // nothing: see the record's doc
    }
  }
}
