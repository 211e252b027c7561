package io.sfpulse.ingest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class ChangeEventBitmapsTest {

    /** The facts sheet's example: header, Name, Type, BillingAddress{8 fields}, Phone, Industry, AnnualRevenue, LastModifiedDate, LastModifiedById. */
    private static Schema accountChangeEvent() {
        final Schema address =
                SchemaBuilder.record("Address")
                        .fields()
                        .optionalString("Street")
                        .optionalString("City")
                        .optionalString("State")
                        .optionalString("PostalCode")
                        .optionalString("Country")
                        .optionalDouble("Latitude")
                        .optionalDouble("Longitude")
                        .optionalString("GeocodeAccuracy")
                        .endRecord();
        return SchemaBuilder.record("AccountChangeEvent")
                .fields()
                .name("ChangeEventHeader")
                .type(
                        SchemaBuilder.record("ChangeEventHeader")
                                .fields()
                                .requiredString("entityName")
                                .endRecord())
                .noDefault()
                .optionalString("Name")
                .optionalString("Type")
                .name("BillingAddress")
                .type()
                .unionOf()
                .nullType()
                .and()
                .type(address)
                .endUnion()
                .nullDefault()
                .optionalString("Phone")
                .optionalString("Industry")
                .optionalDouble("AnnualRevenue")
                .optionalLong("LastModifiedDate")
                .optionalString("LastModifiedById")
                .endRecord();
    }

    @Test
    void expandsTopLevelAndNestedBitmapsToFieldNames() {
        assertThat(ChangeEventBitmaps.names(accountChangeEvent(), List.of("0x01A2", "3-0x06")))
                .containsExactly(
                        "Name",
                        "Industry",
                        "LastModifiedDate",
                        "LastModifiedById",
                        "BillingAddress.City",
                        "BillingAddress.State");
    }

    @Test
    void readsBitsLeastSignificantFirstOverTheWholeValue() {
        // 0x650004E0 sets bits 5, 6, 7, 10, 24, 26, 29 and 30: only those below the schema's 9
        // fields name a field.
        assertThat(ChangeEventBitmaps.names(accountChangeEvent(), List.of("0x650004E0")))
                .containsExactly("Industry", "AnnualRevenue", "LastModifiedDate");
    }

    @Test
    void unitesTheParentBitWithItsNestedFieldsAndPassesNamesThrough() {
        assertThat(
                        ChangeEventBitmaps.names(
                                accountChangeEvent(), List.of("0x08", "3-0x01", "Custom__c")))
                .containsExactly("BillingAddress", "BillingAddress.Street", "Custom__c");
        assertThat(ChangeEventBitmaps.names(accountChangeEvent(), List.of())).isEmpty();
        assertThat(ChangeEventBitmaps.names(accountChangeEvent(), List.of("0x00"))).isEmpty();
    }
}
