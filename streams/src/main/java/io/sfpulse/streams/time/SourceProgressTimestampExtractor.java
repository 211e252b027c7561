package io.sfpulse.streams.time;

import io.sfpulse.schemas.progress.SourceProgress;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** A progress record's time is the org time its source has delivered through. */
public final class SourceProgressTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(final ConsumerRecord<Object, Object> record, final long partitionTime) {
        return record.value() instanceof SourceProgress p
                ? p.getDeliveredThrough().toEpochMilli()
                : record.timestamp();
    }
}
