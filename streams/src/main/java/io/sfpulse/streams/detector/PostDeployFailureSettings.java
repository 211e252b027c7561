package io.sfpulse.streams.detector;

import java.time.Duration;

/**
 * Settings of the post-deploy failure detector.
 * @param window      how long after a deploy an increase is attributed to it
 * @param baseline    how far before the deploy the baseline reaches
 * @param resolveWindow recent span compared with the baseline to auto-resolve
 * @param alpha       significance level of the one-sided rate test
 * @param minCount    fewest post-deploy failures that can trigger
 * @param minRatio    smallest rate ratio worth an alert
 * @param minBaseline shortest observed baseline for a conclusive test
 * @param cooldown    least event time between two UPDATED states of one alert
 * @param noDeployWindow recent span compared with the span before it when no release is in its
 *                    detection window (regressions that start without a deploy); zero disables
 */
public record PostDeployFailureSettings(Duration window, Duration baseline, Duration resolveWindow, double alpha, long minCount,
                                        double minRatio, Duration minBaseline, Duration cooldown, Duration noDeployWindow) {

    public static PostDeployFailureSettings defaults() {
        return new PostDeployFailureSettings(Duration.ofMinutes(60), Duration.ofHours(2), Duration.ofMinutes(10), 0.001, 5, 2.0,
            Duration.ofMinutes(15), Duration.ofMinutes(5), Duration.ofMinutes(30));
    }
}
