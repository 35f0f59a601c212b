package run.tokenlabs.chaos.lab.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler threads of one lab server: one thread per exchange in progress (a streaming request
 * holds its thread until the stream ends), grown on demand up to a maximum, idle threads ending
 * after 10 s. Beyond the maximum, exchanges queue rather than fail, as a real server's accept
 * backlog would.
 *
 * <p>A plain {@link ThreadPoolExecutor} with a queue creates a new thread for every task until it
 * has its core size, even while idle threads wait: sized for 2,048 streams, it would keep 2,048
 * threads for a load of 16. Here the queue refuses a task while the pool may still grow and no
 * thread is free, so the pool grows only to the number of exchanges actually in progress.
 */
final class HandlerPool {
  private HandlerPool() {}

  static ExecutorService create(String name, int maxThreads) {
    GrowFirstQueue queue = new GrowFirstQueue();
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, maxThreads, 10, TimeUnit.SECONDS, queue, r -> {
      Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, (task, executor) -> queue.force(task)) {
      @Override
      public void execute(Runnable task) {
        queue.busy.incrementAndGet();
        super.execute(task);
      }

      @Override
      protected void afterExecute(Runnable task, Throwable failure) {
        queue.busy.decrementAndGet();
      }
    };
    queue.pool = pool;
    return pool;
  }

  /** Hands a task to the queue only when a thread is free to take it or no thread may be added. */
  private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {
    /** Exchanges submitted and not yet finished. */
    final AtomicInteger busy = new AtomicInteger();
    volatile ThreadPoolExecutor pool;

    @Override
    public boolean offer(Runnable task) {
      ThreadPoolExecutor p = pool;
      if (p != null && busy.get() > p.getPoolSize() && p.getPoolSize() < p.getMaximumPoolSize()) {
        return false; // the executor then starts a new thread for it
      }
      return super.offer(task);
    }

    /** Queues a task the pool could not take (at its maximum): it waits for a thread, as in a backlog. */
    void force(Runnable task) {
      super.offer(task);
    }
  }
}
