package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.streams.health.AdoptionBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Page views become the adoption read model: a LightningUriEventStream event and an EventLogFile
 * LightningPageView row count for their app (and the row for its Lightning page), with who viewed.
 */
class AdoptionTopologyTest extends DetectorTopologyTestBase {

    private static SalesforceEvent event(
            final String channel, final Instant at, final String payload) {
        return SalesforceEvent.newBuilder()
                .setOrgId(Fixtures.ORG)
                .setChannel(channel)
                .setSource(EventSource.COMETD)
                .setReplayId(1L)
                .setEventUuid(UUID.randomUUID().toString())
                .setEventTime(at)
                .setReceivedTime(at)
                .setPayload(payload)
                .build();
    }

    @Test
    void pageViewsAreCountedPerAppAndPageWithTheirViewersPerHour() {
        final Instant hour = DEPLOY.plus(Duration.ofHours(1));
        for (int i = 0; i < 6; i++) {
            driver.pipe(
                    event(
                            "/event/LightningUriEventStream",
                            hour.plusSeconds(60L * i),
                            "{\"EventDate\":\""
                                    + hour.plusSeconds(60L * i)
                                    + "\",\"Operation\":\"Read\",\"QueriedEntities\":\"Account\",\"EffectivePageTime\":800,\"UserId\":\"005000000000000"
                                    + (i % 3)
                                    + "\",\"AppName\":\"c__Sales_Console\"}"));
        }
        driver.pipe(
                event(
                        "elf/LightningPageView",
                        hour.plusSeconds(600),
                        "{\"TIMESTAMP_DERIVED\":\""
                                + hour.plusSeconds(600)
                                + "\",\"PAGE_URL\":\"/lightning/r/Account/001000000000001AAA/view\",\"EFFECTIVE_PAGE_TIME\":\"950\",\"USER_ID_DERIVED\":\"005000000000009AAA\","
                                + "\"APP_NAME\":\"c__Sales_Console\",\"PAGE_FLEXI_PAGE_NAME_OR_ID\":\"Account_Record_Page\"}"));
        // Later traffic moves stream time past the hour (the read model is fed from the enriched
        // topic).
        driver.pipe(Fixtures.info(hour.plus(Duration.ofHours(2))));

        final AdoptionBucket b = driver.views(Fixtures.ORG, hour);
        assertThat(b).isNotNull();
        assertThat(b.targets.get("app:c__Sales_Console").views).isEqualTo(7);
        assertThat(b.targets.get("app:c__Sales_Console").viewers).hasSize(4);
        assertThat(b.targets.get("page:Account_Record_Page").views).isEqualTo(1);
        assertThat(b.targets.get("page:Account_Record_Page").viewers)
                .containsExactly("005000000000009AAA");
    }
}
