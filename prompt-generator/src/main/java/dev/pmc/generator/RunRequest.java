package dev.pmc.generator;

import java.util.List;

/**
 * Body of {@code POST /api/v1/runs}. personas: default (100 PMC personas), toxic (10), self (no persona),
 * file (a JSON array of strings at {@code personaFile} on the server, or given inline as {@code personaTexts}).
 * mode: sampling (n calls per cell) or logprob (one call per cell reading the rating distribution). Fields left
 * out take the target's definition.
 */
public record RunRequest(String target, String personas, String personaFile, List<String> personaTexts,
                         Integer n, Double temperature, String mode) {
}
