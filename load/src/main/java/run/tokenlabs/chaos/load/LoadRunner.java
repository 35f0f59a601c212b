package run.tokenlabs.chaos.load;

import java.time.Instant;
import java.util.List;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.ResultRecorder;
import run.tokenlabs.chaos.load.api.spi.LoadExecutor;

/**
 * Runs a {@link LoadSpec}: builds its client and prompts, executes it, and releases the client's
 * threads and connections. {@link LoadSpec#run()} finds it as the {@link LoadExecutor} this module
 * registers; public only for {@link java.util.ServiceLoader}.
 */
public final class LoadRunner implements LoadExecutor {

  @Override
  public LoadResult run(LoadSpec spec) {
    return run(spec, EventListener.NONE);
  }

  /** Runs {@code spec}; {@code observer} sees the calls that wait in the client's queue (see {@link HttpClients}). */
  static LoadResult run(LoadSpec spec, EventListener observer) {
    return run(spec, observer, TransportKind.of(spec));
  }

  /** Runs {@code spec} over the transport named. */
  static LoadResult run(LoadSpec spec, EventListener observer, TransportKind kind) {
    var origin = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    OkHttpClient client = HttpClients.build(spec, () -> System.nanoTime() - origin.get(), observer);
    try {
      List<PreparedPrompt> prompts = new PromptFactory(client, spec.endpoint()).prepare(spec.workload());
      origin.set(System.nanoTime());
      ResultRecorder recorder = RecordPlace.open(spec, Instant.now());
      try {
        return new LoadRun(spec, client, prompts, origin.get(), recorder, kind).execute();
      } finally {
        recorder.close(); // already closed by a run that ended; a run that threw must not leak its files
      }
    } finally {
      HttpClients.shutdown(client);
    }
  }
}
