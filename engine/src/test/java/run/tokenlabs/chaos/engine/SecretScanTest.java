package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which literal values in a rollback's state count as secrets, and which names only say where one is kept. */
class SecretScanTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"env\":[{\"name\":\"PORT\",\"value\":\"8000\"},{\"name\":\"HF_TOKEN\",\"value\":\"hf_x\"}]} | env[1] (HF_TOKEN)",
      "{\"env\":[{\"name\":\"OPENAI_API_KEY\",\"value\":\"sk-1\"}]} | env[0] (OPENAI_API_KEY)",
      "{\"env\":[{\"name\":\"db_password\",\"value\":\"p\"}]} | env[0] (db_password)",
      "{\"auth\":{\"bearerToken\":\"abc\"}} | auth.bearerToken",
      "{\"env\":[{\"name\":\"HF_TOKEN\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"hf\",\"key\":\"token\"}}}]} | ",
      "{\"env\":[{\"name\":\"HF_TOKEN\",\"value\":\"\"}]} | ",
      "{\"volumes\":[{\"name\":\"creds\",\"secret\":{\"secretName\":\"hf-token\"}}]} | ",
      "{\"maxTokens\":256,\"automountServiceAccountToken\":true,\"tokenPath\":\"/var/run/t\"} | ",
  })
  void finds(String json, String expected) throws Exception {
    Optional<String> found = SecretScan.find(Journal.JSON.readTree(json), "");

    assertThat(found).isEqualTo(Optional.ofNullable(expected));
  }
}
