package run.tokenlabs.chaos.load.api;

import java.util.ServiceLoader;
import run.tokenlabs.chaos.load.api.spi.LoadExecutor;

/** Finds the {@link LoadExecutor} once, on first use (a holder class, so no lock is taken after that). */
final class LoadExecutors {
  private LoadExecutors() {
  }

  static LoadExecutor get() {
    return Holder.EXECUTOR;
  }

  private static final class Holder {
    static final LoadExecutor EXECUTOR = ServiceLoader.load(LoadExecutor.class, LoadExecutors.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("No " + LoadExecutor.class.getName() + " on the class path, so "
            + "LoadSpec.run() has nothing to run the load with. The tokenlabs-chaos-load jar lists its load generator "
            + "in META-INF/services/" + LoadExecutor.class.getName() + ": check that the jar is complete (a shaded or "
            + "merged jar must keep its service files)"));
  }
}
