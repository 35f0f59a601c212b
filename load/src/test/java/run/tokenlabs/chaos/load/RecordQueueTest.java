package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.InterChunkGaps;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.ResultRecorder;

class RecordQueueTest {

  @Test
  @DisplayName("every record handed over from four threads is booked and written by close, none twice")
  void closeBooksEverything(@TempDir Path dir) throws Exception {
    var spec = Load.closedLoop(Endpoint.completions("http://127.0.0.1:9", "m"), 4);
    var recorder = new ResultRecorder(spec, dir, "queue", Instant.now());
    Set<String> errors = ConcurrentHashMap.newKeySet();
    var queue = new RecordQueue(recorder, errors::add);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int base = t * 5_000;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 5_000; i++) {
          queue.add(record(base + i)); // 20 000 in all: more than the queue holds, so adders wait their turn
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    queue.close();
    recorder.close();

    assertThat(errors).isEmpty();
    assertThat(recorder.count()).isEqualTo(20_000);
    assertThat(Files.readAllLines(recorder.recordsFile())).hasSize(20_000).doesNotHaveDuplicates();
  }

  private static RequestRecord record(long id) {
    return new RequestRecord(id, "T", 8, false, 0, 0, 1_000, 2_000, 2_000, 3_000, 4_000,
        InterChunkGaps.of(new int[] {1}, 1), 2, 2, "length", null, true, 200, Outcome.COMPLETE, Set.of(), null, null);
  }
}
