package dev.pmc.core.metrics;

/**
 * Point estimates over a set of items: moral susceptibility S, moral robustness R = 1/ū, and ū, the mean
 * within-cell SD. The SE fields are NaN until an uncertainty estimate is computed.
 */
public record Estimate(double susceptibility, double robustness, double withinSd,
                       double susceptibilitySe, double robustnessSe, double withinSdSe) {
    public static Estimate of(double s, double ubar) {
        return new Estimate(s, 1.0 / ubar, ubar, Double.NaN, Double.NaN, Double.NaN);
    }
}
