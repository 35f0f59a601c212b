package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.Target;

/**
 * A property of the target that an experiment needs (NVLink metrics, FB memory fields, a
 * controller-managed pod). Named in {@link RequiresCapability}; must have a public no-argument
 * constructor.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Capability {

  /** E.g. "NVLink metrics". */
  String name();

  /**
   * Asks the target. Return {@link Availability#absent(String)} with a reason a person can act on
   * ("DCGM exposes no NVLink fields on this node: hardware limitation"); throw when the target
   * cannot be asked (that is ERROR, not BLOCKED).
   */
  Availability check(Target target) throws Exception;

  /**
   * The answer of a capability check.
   *
   * @param present whether the capability is there
   * @param reason the evidence, shown as the skip reason when absent
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record Availability(boolean present, String reason) {
    public static Availability present(String reason) {
      return new Availability(true, reason);
    }

    public static Availability absent(String reason) {
      return new Availability(false, reason);
    }
  }
}
