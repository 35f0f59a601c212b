package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** The opt-in label a namespace must carry before any fault may act in it. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SafetyLabels {
  /** Label key on the Namespace object. */
  public static final String NAMESPACE_LABEL = "tokenlabs.run/chaos";
  /** Required label value. */
  public static final String NAMESPACE_LABEL_VALUE = "allowed";

  private SafetyLabels() {
  }
}
