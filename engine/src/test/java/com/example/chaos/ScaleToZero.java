package com.example.chaos;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Set;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/** Scales a Deployment to zero replicas; its rollback scales it back to the count it had. */
public final class ScaleToZero implements Fault<ScaleToZero.ScaleBack> {
  private final String namespace;
  private final String deployment;

  public ScaleToZero(String namespace, String deployment) {
    this.namespace = namespace;
    this.deployment = deployment;
  }

  @Override
  public String description() {
    return "scale deployment " + namespace + "/" + deployment + " to 0 replicas";
  }

  @Override
  public Set<String> namespaces() {
    return Set.of(namespace); // checked against namespaces.allowed before prepare
  }

  @Override
  public ScaleBack prepare(Target target) { // reads, changes nothing
    Deployment found = target.kubernetes().apps().deployments().inNamespace(namespace).withName(deployment).get();
    if (found == null) {
      throw new IllegalStateException("no deployment " + namespace + "/" + deployment
          + "; check with 'kubectl get deployments -n " + namespace + "'");
    }
    return new ScaleBack(namespace, deployment, found.getSpec().getReplicas());
  }

  @Override
  public void act(Target target, ScaleBack rollback) {
    target.kubernetes().apps().deployments().inNamespace(namespace).withName(deployment).scale(0);
  }

  /** The undo, written to the pending-rollback file as JSON: names and a count, no secrets. */
  public record ScaleBack(String namespace, String deployment, int replicas) implements Rollback {
    @Override
    public String description() {
      return "scale deployment " + namespace + "/" + deployment + " back to " + replicas + " replicas";
    }

    @Override
    public void undo(Target target, Duration timeout) { // idempotent: setting a count twice sets it once
      target.kubernetes().apps().deployments().inNamespace(namespace).withName(deployment).scale(replicas);
    }
  }
}
