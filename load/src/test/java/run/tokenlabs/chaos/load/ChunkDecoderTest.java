package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Usage;

class ChunkDecoderTest {
  private final ChunkDecoder decoder = new ChunkDecoder();
  private final Chunk chunk = new Chunk();

  @Test
  void completionsTextAndFinishReason() throws IOException {
    decoder.decode("{\"id\":\"c\",\"choices\":[{\"index\":0,\"text\":\" hello\",\"logprobs\":null,\"finish_reason\":\"length\"}]}", chunk);

    assertThat(chunk.choiceCount).isEqualTo(1);
    assertThat(chunk.contentChars).isEqualTo(6);
    assertThat(chunk.finishReason).isEqualTo("length");
    assertThat(chunk.usage).isNull();
  }

  @Test
  @DisplayName("reasoning_content (and newer vLLM's reasoning) counts as reasoning, not content")
  void reasoningIsNotContent() throws IOException {
    decoder.decode("{\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\",\"content\":null},\"finish_reason\":null}]}", chunk);
    assertThat(chunk.reasoningChars).isEqualTo(3);
    assertThat(chunk.contentChars).isZero();
    assertThat(chunk.finishReason).isNull();

    decoder.decode("{\"choices\":[{\"delta\":{\"reasoning\":\"ok\"}}]}", chunk);
    assertThat(chunk.reasoningChars).isEqualTo(2);
  }

  @Test
  @DisplayName("choices: null and choices: [] both carry no choice; the usage chunk is read")
  void choicesNullVersusEmpty() throws IOException {
    decoder.decode("{\"choices\":null,\"usage\":null}", chunk);
    assertThat(chunk.choicesNull).isTrue();
    assertThat(chunk.choiceCount).isZero();

    decoder.decode("{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19,"
        + "\"prompt_tokens_details\":null}}", chunk);
    assertThat(chunk.choicesNull).isFalse();
    assertThat(chunk.choiceCount).isZero();
    assertThat(chunk.usage).isEqualTo(new Usage(12, 7, 19));
  }

  @Test
  void errorObjectIsCaptured() throws IOException {
    decoder.decode("{\"error\":{\"object\":\"error\",\"message\":\"engine dead\",\"code\":500}}", chunk);

    assertThat(chunk.error).isEqualTo("engine dead");
    assertThat(chunk.choiceCount).isZero();
  }

  @Test
  void nestedUnknownFieldsAreSkipped() throws IOException {
    decoder.decode("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":\"x\",\"function\":{\"name\":\"f\"}}],\"content\":\"ab\"},"
        + "\"logprobs\":{\"content\":[{\"token\":\"a\"}]},\"finish_reason\":\"tool_calls\"}],\"system_fingerprint\":null}", chunk);

    assertThat(chunk.contentChars).isEqualTo(2);
    assertThat(chunk.finishReason).isEqualTo("tool_calls");
  }

  @Test
  void notJsonIsRejected() {
    assertThatThrownBy(() -> decoder.decode("<html>oops</html>", chunk)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> decoder.decode("{\"choices\":[]} trailing", chunk)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> decoder.decode("[1,2]", chunk)).isInstanceOf(IOException.class);
  }
}
