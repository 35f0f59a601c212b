package run.tokenlabs.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label selectors parsed and matched as the Kubernetes API server does it. */
class LabelSelectorsTest {
  private static final Map<String, String> DEEPSEEK = Map.of("app", "deepseek", "tier", "serving", "gpus", "2");

  @ParameterizedTest(name = "{0} matches app=deepseek,tier=serving,gpus=2: {1}")
  @CsvSource(delimiter = '|', value = {
      "app=deepseek                  | true",
      "app==deepseek                 | true",
      "app=llama,app=deepseek        | false",
      "app=deepseek,app=deepseek     | true",
      "app!=llama                    | true",
      "app!=deepseek                 | false",
      "missing!=x                    | true",
      "app in (llama, deepseek)      | true",
      "app notin (llama,deepseek)    | false",
      "missing notin (x)             | true",
      "missing in (x)                | false",
      "tier                          | true",
      "!tier                         | false",
      "!missing                      | true",
      "gpus>1                        | true",
      "gpus<2                        | false",
      "app>1                         | false",
      "' app = deepseek , tier '     | true",
      "tier=                         | false",
  })
  void matchesAsKubernetes(String selector, boolean matches) {
    assertThat(LabelSelectors.parse(selector).matches(DEEPSEEK)).isEqualTo(matches);
  }

  @Test
  @DisplayName("An empty value matches a label that is present and empty")
  void emptyValue() {
    assertThat(LabelSelectors.parse("canary=").matches(Map.of("canary", ""))).isTrue();
    assertThat(LabelSelectors.parse("canary=").matches(Map.of())).isFalse();
  }

  @Test
  @DisplayName("The selector sent to the API server keeps every requirement, duplicates included")
  void canonicalKeepsDuplicates() {
    assertThat(LabelSelectors.parse("app=llama, app=deepseek,tier in (a,b),!x").canonical())
        .isEqualTo("app=llama,app=deepseek,tier in (a,b),!x");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "app=deepseek r1      | 'r1' where ',' was expected",
      "app=-deepseek        | '-deepseek' is not a valid value for 'app'",
      "-app=deepseek        | '-app' is not a valid label key",
      "Example.com/app=x    | 'Example.com/app' is not a valid label key",
      "/app=x               | '/app' is not a valid label key",
      "app in (a,b          | it ends where ',' or ')' in the value set of 'app' was expected",
      "app in a             | 'a' where '(' was expected",
      "gpus>two             | 'two' is not an integer",
      "app=x,               | it ends where a key was expected",
      "app=(x)              | '(' after 'app='",
      "app=!x               | '!' after 'app='",
  })
  void invalidRefused(String selector, String problem) {
    assertThatThrownBy(() -> LabelSelectors.parse(selector))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("label selector '" + selector + "' is not valid as Kubernetes reads it")
        .hasMessageContaining(problem);
  }

  @Test
  @DisplayName("A key longer than 63 characters is refused, a prefixed one is accepted")
  void keyLengthAndPrefix() {
    assertThatThrownBy(() -> LabelSelectors.parse("a".repeat(64) + "=x")).hasMessageContaining("is not a valid label key");
    assertThat(LabelSelectors.parse("app.kubernetes.io/name=vllm").matches(Map.of("app.kubernetes.io/name", "vllm")))
        .isTrue();
  }

  @Test
  @DisplayName("An empty selector, which would match every pod, is refused")
  void emptyRefused() {
    assertThatThrownBy(() -> LabelSelectors.parse(" ")).hasMessageContaining("would match every pod");
  }
}
