package run.tokenlabs.chaos.engine;

/**
 * The arming of a cluster run by the packaged runner: its {@code --arm} option calls {@link #arm()} in the
 * runner's own JVM before the experiments start. The other way to arm is {@code mvn -Pchaos}, whose experiments
 * run inside Maven's JVM. Either way the chaos profile's property must be set too (the runner sets it with
 * {@code --arm}); the property alone, a stray {@code -D} or an IDE setting, arms nothing, and neither does a
 * plain {@code java} call of the runner without {@code --arm}: only code can call this, no flag or file.
 */
public final class RunnerArming {
  private static volatile boolean armed;

  private RunnerArming() {
  }

  /** Arms this JVM for a cluster target; called by the runner when its command line says {@code --arm}. */
  public static void arm() {
    armed = true;
  }

  /** Whether {@link #arm()} was called in this JVM. */
  public static boolean armed() {
    return armed;
  }
}
