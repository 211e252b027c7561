package io.sfpulse.streams.health;

import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.normalize.SignalNormalizer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one org's users viewed in one hour (event time): per app ({@code app:<AppName>}) and per
 * Lightning page ({@code page:<FlexiPage>}) the page views and who viewed (at most
 * {@link #MAX_VIEWERS} distinct viewers kept per target; beyond that the count is a floor). Plain
 * data kept in binary ({@link io.sfpulse.streams.state.StateSerde}) in {@code adoption-buckets-store}.
 */
public final class AdoptionBucket {

    public static final int MAX_VIEWERS = 2_000;

    /** One app or page. */
    public static final class Target {
        public long views;
        public Set<String> viewers = new HashSet<>();

        /** True once more viewers came than are kept. */
        public boolean moreViewers;
    }

    public Map<String, Target> targets = new TreeMap<>();

    /** Whether a signal is a page view this bucket counts. */
    public static boolean counts(final Signal s) {
        return s.getAttributes().containsKey(SignalNormalizer.APP)
                || s.getAttributes().containsKey(SignalNormalizer.PAGE);
    }

    public AdoptionBucket add(final Signal s) {
        final String viewer = s.getAttributes().get(SignalNormalizer.VIEWER);
        final String app = s.getAttributes().get(SignalNormalizer.APP);
        final String page = s.getAttributes().get(SignalNormalizer.PAGE);
        if (app != null) {
            view("app:" + app, viewer);
        }
        if (page != null) {
            view("page:" + page, viewer);
        }
        return this;
    }

    private void view(final String key, final String viewer) {
        final Target t = targets.computeIfAbsent(key, k -> new Target());
        t.views++;
        if (viewer != null) {
            if (t.viewers.size() < MAX_VIEWERS) {
                t.viewers.add(viewer);
            } else if (!t.viewers.contains(viewer)) {
                t.moreViewers = true;
            }
        }
    }
}
