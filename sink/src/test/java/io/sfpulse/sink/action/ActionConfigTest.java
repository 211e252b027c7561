package io.sfpulse.sink.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.sink.SinkConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ActionConfigTest {

    private static Map<String, Object> base() {
        final Map<String, Object> p = new HashMap<>();
        p.put(SinkConfig.BOOTSTRAP_SERVERS_CONFIG, "x:9092");
        p.put("schema.registry.url", "mock://action-config");
        p.put(SinkConfig.ACTIONS_CONFIG, "rollback");
        p.put("action.rollback.url", "https://ci.example.com/rollback?org={{org}}");
        p.put("action.rollback.on", "verdict:FAULTY");
        return p;
    }

    @Test
    void aMalformedTemplateFailsAtStartUpNamingTheKeyAndTheVariable() {
        final Map<String, Object> p = base();
        p.put("action.rollback.body", "{\"commit\":\"{{rollback.comit}}\"}");
        assertThatThrownBy(() -> new SinkConfig(p))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("action.rollback.body")
                .hasMessageContaining("unknown variable {{rollback.comit}}")
                .hasMessageContaining("rollback.commit");
        p.put("action.rollback.body", "{\"commit\":\"{{rollback.commit}\"}");
        assertThatThrownBy(() -> new SinkConfig(p))
                .hasMessageContaining("action.rollback.body")
                .hasMessageContaining("unbalanced placeholder");
    }

    @Test
    void missingOrWrongKeysAreNamedInFullAndSecretsStayHidden() {
        final Map<String, Object> p = base();
        p.remove("action.rollback.on");
        assertThatThrownBy(() -> new SinkConfig(p)).hasMessageContaining("action.rollback.on");
        p.put("action.rollback.on", "verdict:BROKEN");
        assertThatThrownBy(() -> new SinkConfig(p))
                .hasMessageContaining("action.rollback.on")
                .hasMessageContaining("verdict:FAULTY");
        p.put("action.rollback.on", "verdict:FAULTY");
        p.put("action.rollback.url", "https://ci.example.com/{{nope}}?token=s3cr3t");
        assertThatThrownBy(() -> new SinkConfig(p))
                .hasMessageContaining("action.rollback.url")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void valuesAreEscapedForWhereTheyGo() {
        final Map<String, Object> p = base();
        p.put("action.rollback.body", "{\"why\":\"{{verdict.reasons}}\"}");
        final ActionConfig json = new SinkConfig(p).actions().get(0);
        final HttpAction.Request r =
                new HttpAction(json, null)
                        .request(Map.of("org", "00D 1&2", "verdict.reasons", "a \"b\"\nc"));
        assertThat(r.body()).isEqualTo("{\"why\":\"a \\\"b\\\"\\nc\"}");
        assertThat(r.url().toString()).isEqualTo("https://ci.example.com/rollback?org=00D+1%262");
        assertThat(json.runsOn("verdict:FAULTY", "00Dany", null)).isTrue();
        assertThat(json.runsOn("alert:TRIGGERED", "00Dany", "x")).isFalse();
    }
}
