package run.tokenlabs.chaos.scenarios.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's experiment example is this module's {@code LlamaPodRecoversIT}, character for character. */
class ReadmeExampleTest {
  private static final Pattern EXAMPLE = Pattern.compile(
      "<!-- example: (\\S+) -->\\n```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  @DisplayName("The README example is the compiled and run LlamaPodRecoversIT, and stays within 40 lines")
  void readmeExampleIsTheCompiledTest() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Matcher m = EXAMPLE.matcher(Files.readString(root.resolve("README.md")));

    assertThat(m.find()).as("README.md has an '<!-- example: path -->' java block").isTrue();
    String source = Files.readString(root.resolve(m.group(1)));
    assertThat(m.group(2)).isEqualTo(source);
    assertThat(source.lines().filter(l -> !l.startsWith("import ") && !l.isBlank()).count()).isLessThanOrEqualTo(40);
  }
}
