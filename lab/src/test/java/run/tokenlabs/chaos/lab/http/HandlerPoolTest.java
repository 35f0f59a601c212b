package run.tokenlabs.chaos.lab.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HandlerPoolTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger started = new AtomicInteger();
  private ExecutorService pool;

  @AfterEach
  void stop() {
    release.countDown();
    pool.shutdownNow();
  }

  private void holdOneThread() {
    pool.execute(() -> {
      started.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  @Test
  @DisplayName("the pool grows to the exchanges in progress, one thread each, not to its maximum")
  void growsToTheLoad() {
    pool = HandlerPool.create("t", 2048);
    for (int i = 0; i < 16; i++) {
      holdOneThread();
    }
    await("16 held exchanges running").atMost(Duration.ofSeconds(10)).until(() -> started.get() == 16);
    assertThat(((ThreadPoolExecutor) pool).getPoolSize()).isEqualTo(16);
  }

  @Test
  @DisplayName("a free thread is reused instead of starting another")
  void reusesAFreeThread() {
    pool = HandlerPool.create("t", 2048);
    ThreadPoolExecutor executor = (ThreadPoolExecutor) pool;
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < 50; i++) {
      pool.execute(done::incrementAndGet);
      int expected = i + 1;
      await("task " + expected + " done and its thread free").atMost(Duration.ofSeconds(10))
          .until(() -> done.get() == expected && executor.getActiveCount() == 0);
    }
    assertThat(executor.getLargestPoolSize()).isEqualTo(1);
  }

  @Test
  @DisplayName("beyond its maximum the pool queues exchanges, which run once a thread frees up")
  void queuesBeyondTheMaximum() {
    pool = HandlerPool.create("t", 2);
    holdOneThread();
    holdOneThread();
    AtomicInteger third = new AtomicInteger();
    pool.execute(third::incrementAndGet);
    await("two held exchanges running").atMost(Duration.ofSeconds(10)).until(() -> started.get() == 2);
    assertThat(third.get()).isZero();
    assertThat(((ThreadPoolExecutor) pool).getPoolSize()).isEqualTo(2);
    release.countDown();
    await("the queued exchange ran").atMost(Duration.ofSeconds(10)).until(() -> third.get() == 1);
  }
}
