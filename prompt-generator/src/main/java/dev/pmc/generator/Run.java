package dev.pmc.generator;

/** A submitted run and its publishing progress. state: publishing, published, failed. */
public record Run(String runId, String target, String personaSet, int personas, int items, int n, long slots,
                  double temperature, long createdAtMs, long published, String state, String error, String mode) {
    Run withProgress(long published, String state, String error) {
        return new Run(runId, target, personaSet, personas, items, n, slots, temperature, createdAtMs, published, state, error, mode);
    }
}
