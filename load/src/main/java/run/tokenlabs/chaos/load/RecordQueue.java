package run.tokenlabs.chaos.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.ResultRecorder;

/**
 * Books concluded requests on a thread of its own. The recorder writes each record to its file and, once a
 * second, the interval histograms, all under its lock; a thread that concludes a stream (an event loop
 * carrying hundreds) must not wait on that lock or on the disk, which held the loops up to 22 ms in the
 * benchmark. Bounded: when the recorder falls {@value #CAPACITY} records behind, the concluding thread
 * waits, so memory cannot grow with a slow disk. A record reaches its interval histogram when this thread
 * books it, normally well under a millisecond after the request ended; one that ends at an interval's edge
 * may be counted in the next.
 */
final class RecordQueue implements AutoCloseable {
  static final int CAPACITY = 8192;
  private static final long CLOSE_WAIT_SECONDS = 60;

  private final ArrayBlockingQueue<RequestRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final ResultRecorder recorder;
  private final Consumer<String> runErrors;
  private final Thread thread;
  private volatile boolean closing;

  RecordQueue(ResultRecorder recorder, Consumer<String> runErrors) {
    this.recorder = recorder;
    this.runErrors = runErrors;
    this.thread = new Thread(this::run, "load-recorder");
    thread.setDaemon(true);
    thread.start();
  }

  /** Hands a record to the recorder's thread; waits only when it is {@value #CAPACITY} records behind. */
  void add(RequestRecord record) {
    if (closing || !thread.isAlive()) {
      recorder.accept(record); // after the end, or without the thread: booked here, never lost
      return;
    }
    try {
      queue.put(record);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      recorder.accept(record);
    }
  }

  private void run() {
    List<RequestRecord> batch = new ArrayList<>(256);
    while (!(closing && queue.isEmpty())) {
      try {
        RequestRecord first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 255);
        for (RequestRecord r : batch) {
          try {
            recorder.accept(r);
          } catch (RuntimeException | Error e) {
            runErrors.accept("The recorder failed booking request " + r.id() + ": " + e);
          }
        }
      } catch (InterruptedException e) {
        break;
      } finally {
        batch.clear();
      }
    }
  }

  /** Waits until every record handed over is booked (at most a minute), then stops the thread. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RequestRecord left;
    while ((left = queue.poll()) != null) {
      recorder.accept(left); // the thread did not finish in time: the rest is booked here
    }
  }
}
