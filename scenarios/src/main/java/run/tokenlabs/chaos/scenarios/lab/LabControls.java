package run.tokenlabs.chaos.scenarios.lab;

import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Capability;

/**
 * The capability of driving the embedded lab's simulator directly: injecting stream cuts, stalls
 * and 5xx, toggling chunked prefill. Experiments that need these are BLOCKED on a cluster, where
 * the same effects need the server's own flags or a proxy.
 */
public final class LabControls implements Capability {
  @Override
  public String name() {
    return "lab simulator controls";
  }

  @Override
  public Availability check(Target target) {
    return target.unwrap(LabTarget.class).isPresent()
        ? Availability.present("the target is the embedded lab")
        : Availability.absent("target '" + target.name() + "' is not the embedded lab: injected stream faults and "
            + "runtime chunked-prefill switches need the lab's simulator hooks; on a cluster, restart the model "
            + "server with the flag under test instead");
  }
}
