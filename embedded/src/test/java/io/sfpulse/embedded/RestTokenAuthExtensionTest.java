package io.sfpulse.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RestTokenAuthExtensionTest {

    private static String basic(final String userAndPassword) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsTheTokenAsBearerOrBasicPasswordAndNothingElse() {
        final RestTokenAuthExtension auth = new RestTokenAuthExtension();
        auth.configure(Map.of(RestTokenAuthExtension.TOKEN_CONFIG, "s3cr3t:with-colon"));
        assertThat(auth.authorized("Bearer s3cr3t:with-colon")).isTrue();
        assertThat(auth.authorized("bearer s3cr3t:with-colon")).isTrue();
        assertThat(auth.authorized(basic("anyone:s3cr3t:with-colon"))).isTrue();
        assertThat(auth.authorized(null)).isFalse();
        assertThat(auth.authorized("Bearer s3cr3t")).isFalse();
        assertThat(auth.authorized(basic("s3cr3t:with-colon")))
                .isFalse(); // the token as user name, not password
        assertThat(auth.authorized("Basic !!not-base64")).isFalse();
        assertThat(auth.authorized("Digest s3cr3t:with-colon")).isFalse();
    }

    @Test
    void refusesToStartWithoutAToken() {
        assertThatThrownBy(() -> new RestTokenAuthExtension().configure(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RestTokenAuthExtension.TOKEN_CONFIG);
    }
}
