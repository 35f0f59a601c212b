package run.tokenlabs.chaos.api;

/** The opt-in label a namespace must carry before any fault may act in it. */
public final class SafetyLabels {
  /** Label key on the Namespace object. */
  public static final String NAMESPACE_LABEL = "tokenlabs.run/chaos";
  /** Required label value. */
  public static final String NAMESPACE_LABEL_VALUE = "allowed";

  private SafetyLabels() {
  }
}
