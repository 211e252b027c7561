package io.sfpulse.ingest.cometd;

import io.sfpulse.ingest.stream.ReplayPositions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cometd.bayeux.Channel;
import org.cometd.bayeux.Message;
import org.cometd.bayeux.client.ClientSession;

/**
 * Client side of Salesforce's replay extension: asks for it on handshake and sends the replay-id
 * map on every subscribe. It never advances positions itself (unlike EMP-Connector's, which moved
 * them on receipt); {@link ReplayPositions} is fed from Kafka acknowledgements.
 */
final class ReplayExtension implements ClientSession.Extension {

    private final ReplayPositions positions;
    private final List<String> channels;

    ReplayExtension(final ReplayPositions positions, final List<String> channels) {
        this.positions = positions;
        this.channels = channels;
    }

    @Override
    public boolean sendMeta(final ClientSession session, final Message.Mutable message) {
        if (Channel.META_HANDSHAKE.equals(message.getChannel())) {
            message.getExt(true).put("replay", Boolean.TRUE);
        } else if (Channel.META_SUBSCRIBE.equals(message.getChannel())) {
            // The whole channel -> replay id map (Salesforce accepts it, EMP-Connector sends it);
            // -2 / -1 for the presets.
            final Map<String, Object> map = new HashMap<>();
            channels.forEach(c -> map.put(c, positions.forSubscribe(c).cometdValue()));
            message.getExt(true).put("replay", map);
        }
        return true;
    }
}
