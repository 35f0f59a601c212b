package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.Recording;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.Slo;

/** A load's records go to its directory as they conclude, and a result that kept none in memory reads the same ones back. */
class RecordingTest {

  /** Request n: n % 4 == 0 answers 500, == 1 is cut after 2 tokens; the rest stream 4 tokens with usage. */
  private static SseTestServer.Behaviour mixed(SseTestServer.Seen seen) {
    var normal = SseTestServer.Behaviour.normal().tokens(4, Duration.ofMillis(1));
    return switch ((int) (seen.requestNumber() % 4)) {
      case 0 -> normal.status(500);
      case 1 -> normal.cutAfter(2);
      default -> normal;
    };
  }

  private static LoadSpec spec(SseTestServer server, Path dir, int keptInMemory) {
    return Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), 3)
        .withWorkload(Bucket.of("A", 16, 4), Bucket.of("B", 16, 4))
        .withBounds(new Bounds(Duration.ofSeconds(20), 24, Duration.ofSeconds(10)))
        .withSlo(Slo.of(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(10)))
        .withProgress(Progress.none())
        .withRecording(Recording.to(dir).keepingInMemory(keptInMemory));
  }

  @Test
  @DisplayName("a run that keeps no record in memory gives the same records, ledger, histograms and goodput from its file")
  void recordsReadBackFromTheFileEqualTheConcludedOnes(@TempDir Path dir) throws Exception {
    try (var server = SseTestServer.start(RecordingTest::mixed)) {
      LoadResult fromFile = spec(server, dir, 0).run();

      Path file = fromFile.recordsFile().orElseThrow();
      assertThat(file.getParent()).isEqualTo(dir);
      assertThat(Files.readAllLines(file)).hasSize(24);
      List<RequestRecord> records = fromFile.records();
      assertThat(records).hasSize(24).extracting(RequestRecord::id).isSorted();
      assertThat(fromFile.recordCount()).isEqualTo(24);
      // the figures derived once more from the records read back equal those the run counted as it went
      var rebuilt = new LoadResult(fromFile.spec(), fromFile.originNanoTime(), fromFile.startedAt(), fromFile.wallTime(),
          fromFile.ledger().scheduled(), records, fromFile.prompts(), List.of());
      assertThat(fromFile.ledger()).isEqualTo(rebuilt.ledger());
      assertThat(fromFile.ledger().count(Outcome.HTTP_ERROR)).isEqualTo(6);
      assertThat(fromFile.ledger().count(Outcome.TRUNCATED)).isEqualTo(6);
      assertThat(fromFile.goodput().orElseThrow().met()).isEqualTo(rebuilt.goodput().orElseThrow().met()).isEqualTo(12);
      assertThat(fromFile.histograms().ttftMicros()).isEqualTo(rebuilt.histograms().ttftMicros());
      assertThat(fromFile.histograms().itlMicros()).isEqualTo(rebuilt.histograms().itlMicros());
      assertThat(fromFile.histograms().dispatchDelayMicros()).isEqualTo(rebuilt.histograms().dispatchDelayMicros());
      assertThat(fromFile.histograms("B").e2eMicros()).isEqualTo(rebuilt.histograms("B").e2eMicros());
      assertThat(fromFile.histograms().ttftMicros(Outcome.TRUNCATED))
          .isEqualTo(rebuilt.histograms().ttftMicros(Outcome.TRUNCATED));
      var streamed = new ArrayList<RequestRecord>();
      fromFile.forEachRecord(streamed::add);
      assertThat(streamed).containsExactlyInAnyOrderElementsOf(records);
    }
  }

  @Test
  @DisplayName("the interval log beside the records holds every complete request's TTFT once")
  void intervalLogCoversTheRun(@TempDir Path dir) throws Exception {
    try (var server = SseTestServer.start(RecordingTest::mixed)) {
      LoadResult result = spec(server, dir, 0).run();

      Path log = dir.resolve(result.recordsFile().orElseThrow().getFileName().toString().replace(".records.jsonl", ".hlog"));
      long ttft = 0;
      var reader = new HistogramLogReader(log.toFile());
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        if (h.getTag().endsWith(".ttft")) {
          ttft += ((org.HdrHistogram.Histogram) h).getTotalCount();
        }
      }
      assertThat(ttft).isEqualTo(result.ledger().count(Outcome.COMPLETE)).isEqualTo(12);
    }
  }
}
