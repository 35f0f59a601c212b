package run.tokenlabs.chaos.load.api.spi;

import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;

/**
 * What runs a {@link LoadSpec}: the load generator behind {@link LoadSpec#run()}, found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/run.tokenlabs.chaos.load.api.spi.LoadExecutor})
 * so that the API does not depend on its implementation. The load module provides the one used;
 * an experiment never implements or calls this.
 */
public interface LoadExecutor {

  /** Runs the load to its end (bounded by its {@code Bounds}) and returns everything measured. */
  LoadResult run(LoadSpec spec);
}
