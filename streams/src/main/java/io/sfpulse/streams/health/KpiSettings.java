package io.sfpulse.streams.health;

import java.time.Duration;

/**
 * How the operations KPIs are computed.
 * @param errorBudgetPerThousand the error budget: failures per thousand executions an org may have over {@code budgetWindow}
 * @param budgetWindow           the rolling window of the error budget (28 days)
 */
public record KpiSettings(double errorBudgetPerThousand, Duration budgetWindow) {

    public static KpiSettings defaults() {
        return new KpiSettings(10.0, Duration.ofDays(28));
    }
}
