package run.tokenlabs.chaos.load.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecordLinesTest {

  @Test
  @DisplayName("a record written as a JSON line reads back equal, every field, usage, signals and gaps included")
  void roundTrip() {
    var cut = new RequestRecord(41, "long \"context\"", 512, true, 1_000, 1_500, 2_000_000, 3_000_123, 3_500_456,
        9_000_789, 9_100_000, InterChunkGaps.of(new int[] {120, 0, 7_000_000}, 3), 5, 3, null,
        new Usage(300, 4, 304), false, 200, Outcome.TRUNCATED,
        Set.of(TruncationSignal.NO_DONE, TruncationSignal.CONNECTION_CUT), "java.io.IOException",
        "unexpected end of stream\nline two", 17);
    var rejected = new RequestRecord(42, "A", 64, false, 5_000, -1, -1, -1, -1, -1, 6_000,
        InterChunkGaps.of(new int[0], 0), 0, 0, null, null, false, 0, Outcome.REJECTED, Set.of(), "InFlightCap",
        "in-flight cap of 3 reached");

    for (RequestRecord r : new RequestRecord[] {cut, rejected}) {
      String line = RecordLines.toLine(r);
      assertThat(line).doesNotContain("\n");
      assertThat(RecordLines.fromLine(line)).isEqualTo(r);
    }
  }

  @Test
  void aLineThatIsNotJsonSaysWhatWasExpected() {
    assertThatThrownBy(() -> RecordLines.fromLine("{\"id\": 3, cut"))
        .hasMessageContaining("expected one request record per line");
  }
}
