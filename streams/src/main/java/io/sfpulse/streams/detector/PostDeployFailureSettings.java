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
 */
public record PostDeployFailureSettings(Duration window, Duration baseline, Duration resolveWindow, double alpha, long minCount,
                                        double minRatio, Duration minBaseline, Duration cooldown) {

    public static PostDeployFailureSettings defaults() {
        return new PostDeployFailureSettings(Duration.ofMinutes(60), Duration.ofHours(2), Duration.ofMinutes(10), 0.01, 5, 2.0,
            Duration.ofMinutes(15), Duration.ofMinutes(5));
    }
}
