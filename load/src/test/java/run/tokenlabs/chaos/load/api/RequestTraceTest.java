package run.tokenlabs.chaos.load.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestTraceTest {

  @Test
  void readsThisProjectsFormatSkippingCommentsAndBlankLines() throws Exception {
    RequestTrace trace = RequestTrace.read(fixture("small-trace.csv"));

    assertThat(trace.size()).isEqualTo(5);
    assertThat(trace.offsetNanos()).containsExactly(0L, 100_000_000L, 100_500_000L, 250_000_000L, 400_000_000L);
    assertThat(trace.inputTokens()).containsExactly(40, 80, 20, 160, 40);
    assertThat(trace.outputTokens()).containsExactly(3, 5, 2, 4, 6);
    assertThat(trace.maxInputTokens()).isEqualTo(160);
    assertThat(trace.withTimeScale(0.5).scaledOffsetNanos(4)).isEqualTo(200_000_000L);
    assertThat(RequestTrace.read(fixture("small-trace.csv"), 2).size()).isEqualTo(2);
  }

  @Test
  void readsAzureTracesWithTheirTimestampsSortedFromTheFirst() throws Exception {
    RequestTrace trace = RequestTrace.readAzure(fixture("azure-sample.csv"));

    // 18:15:46.6805900 first; the 18:15:47 row sorts before 18:15:50.995169; fractions of 0 to 7 digits
    assertThat(trace.offsetNanos()).containsExactly(0L, 319_410_000L, 4_314_579_000L, 4_319_410_000L);
    assertThat(trace.inputTokens()).containsExactly(374, 879, 396, 1200);
    assertThat(trace.outputTokens()).containsExactly(44, 7, 109, 1);
  }

  @Test
  void timestampsWithAnOffsetAreUnderstood(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("azure-2024.csv");
    Files.writeString(file, "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 00:00:00.009930+00:00,2048,28\n"
        + "2024-05-10 02:00:00.5+02:00,100,2\n");

    RequestTrace trace = RequestTrace.readAzure(file);

    assertThat(trace.offsetNanos()).containsExactly(0L, 490_070_000L);
  }

  @Test
  void malformedTracesAreRefusedWithTheLineAndWhatToDo(@TempDir Path dir) throws IOException {
    Path azure = dir.resolve("a.csv");
    Files.writeString(azure, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,1\n");
    assertThatThrownBy(() -> RequestTrace.read(azure)).hasMessageContaining("line 1")
        .hasMessageContaining("RequestTrace.readAzure");

    Path backwards = dir.resolve("b.csv");
    Files.writeString(backwards, "offset_ms,input_tokens,output_tokens\n10,1,1\n5,1,1\n");
    assertThatThrownBy(() -> RequestTrace.read(backwards)).hasMessageContaining("line 3")
        .hasMessageContaining("must not decrease");

    Path zero = dir.resolve("c.csv");
    Files.writeString(zero, "offset_ms,input_tokens,output_tokens\n0,0,1\n");
    assertThatThrownBy(() -> RequestTrace.read(zero)).hasMessageContaining("input tokens must be >= 1");

    Path empty = dir.resolve("d.csv");
    Files.writeString(empty, "offset_ms,input_tokens,output_tokens\n");
    assertThatThrownBy(() -> RequestTrace.read(empty)).hasMessageContaining("no request");
  }

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(RequestTraceTest.class.getResource("/traces/" + name).toURI());
  }
}
