package io.sfpulse.streams.time;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * A release is live from its completion time: that, not when the marker was produced, is the
 * version timestamp in the versioned marker table - so a marker announced late, or by a producer
 * that left the record timestamp to the clock, still covers the right signals.
 */
public final class DeploymentMarkerTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(final ConsumerRecord<Object, Object> record, final long partitionTime) {
        if (record.value() instanceof DeploymentMarker marker
                && marker.getCompletedTime() != null) {
            return marker.getCompletedTime().toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
