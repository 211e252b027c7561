package io.sfpulse.streams.time;

import io.sfpulse.schemas.event.SalesforceEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Event time of a Salesforce event (CreatedDate / commitTimestamp), never the ingest time. */
public final class SalesforceEventTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(final ConsumerRecord<Object, Object> record, final long partitionTime) {
        if (record.value() instanceof SalesforceEvent event) {
            return event.getEventTime().toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
