package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenRuleTest {
  @Test
  void wordsOfUpToFourCharactersAreOneToken() {
    assertThat(TokenRule.count("tok ".repeat(700))).isEqualTo(700);
    assertThat(TokenRule.count("  a  bb\tccc\ndddd ")).isEqualTo(4);
  }

  @Test
  void longerWordsCountByFourCharacters() {
    assertThat(TokenRule.count("hello")).isEqualTo(2);
    assertThat(TokenRule.count("abcdefgh abcdefghi")).isEqualTo(2 + 3);
    assertThat(TokenRule.count("")).isZero();
  }

  @Test
  void chatAddsTemplateTokens() {
    // priming 2; "hi there" = 1 + 2 ("there" has 5 characters) plus 4; "ok" = 1 plus 4
    assertThat(TokenRule.countChat(List.of("hi there", "ok"))).isEqualTo(2 + 4 + 3 + 4 + 1);
  }

  @Test
  void generatedTextCountsBackToItsTokens() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      text.append(TokenRule.outputWord(i));
    }
    assertThat(TokenRule.count(text)).isEqualTo(500);
  }
}
