package run.tokenlabs.chaos.lab.kube;

import java.io.IOException;
import java.net.URI;
import run.tokenlabs.chaos.lab.api.ModelProfile;

/** Starts the process behind a model pod; the reconciler knows pods, this knows simulators. */
public interface PodRuntime {
  /** A running model server: the container of one pod. */
  interface Process extends AutoCloseable {
    URI uri();

    /** True once it answers {@code /health}. */
    boolean serving();

    /** Kills it: the listener closes and open streams are cut. */
    @Override
    void close();
  }

  Process start(String podName, ModelProfile model) throws IOException;
}
