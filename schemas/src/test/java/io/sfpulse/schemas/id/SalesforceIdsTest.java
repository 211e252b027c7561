package io.sfpulse.schemas.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SalesforceIdsTest {

    /** Published test vectors of the case-safe suffix (salesforce-facts-2 §7.4). */
    @ParameterizedTest
    @CsvSource({
        "001D000000IqhSL, 001D000000IqhSLIAZ",
        "a0RE000000IJmcN, a0RE000000IJmcNMAT",
        "a01M00000062mPg, a01M00000062mPgIAI",
        "001M000000qfPyS, 001M000000qfPySIAU",
        "a0FE000000D6r3F, a0FE000000D6r3FMAR",
        "0F9E000000092w2, 0F9E000000092w2KAA",
        "aaaaaaaaaaaaaaa, aaaaaaaaaaaaaaaAAA",
        "AbCdEfGhIjKlMnO, AbCdEfGhIjKlMnOVKV",
        "aBcDEfgHIJKLMNO, aBcDEfgHIJKLMNO025",
        "a0D30000001n7Pi, a0D30000001n7PiEAI",
        "70130000001tcyI, 70130000001tcyIAAQ",
        "00558000001N0Ke, 00558000001N0KeAAK",
        "00D5j000000XY0P, 00D5j000000XY0PEAW",
        "7073000000lDquo, 7073000000lDquoAAC"
    })
    void computesTheCaseSafeSuffixOfA15CharacterId(final String id15, final String id18) {
        assertThat(SalesforceIds.to18(id15)).isEqualTo(id18);
        assertThat(SalesforceIds.to18(id18)).isEqualTo(id18);
    }

    @Test
    void recomputesASuffixAnotherSystemRecased() {
        assertThat(SalesforceIds.to18("00D5j000000XY0Peaw")).isEqualTo("00D5j000000XY0PEAW");
    }

    @Test
    void rejectsWhatIsNotAnIdAndLeavesAliasesAlone() {
        assertThatThrownBy(() -> SalesforceIds.to18("00D5j000000XY0"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SalesforceIds.to18("00D5j000000XY0P-A"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SalesforceIds.normalizeIfId("emulated-org")).isEqualTo("emulated-org");
        assertThat(SalesforceIds.normalizeIfId("00D5j000000XY0P")).isEqualTo("00D5j000000XY0PEAW");
    }
}
