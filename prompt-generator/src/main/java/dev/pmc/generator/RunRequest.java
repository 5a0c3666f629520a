package dev.pmc.generator;

import java.util.List;

/**
 * Body of {@code POST /api/v1/runs}. personas: default (100 PMC personas), toxic (10), self (no persona),
 * file (a JSON array of strings at {@code personaFile} on the server, or given inline as {@code personaTexts}).
 * mode: sampling (n calls per cell) or logprob (one call per cell reading the rating distribution). Fields left
 * out take the target's definition. instrument: what to ask (mfq30 when left out; bfi44, self-probe or one from the
 * operator's instrument directory); the self-assessment probe is always asked without persona.
 */
public record RunRequest(String target, String personas, String personaFile, List<String> personaTexts,
                         Integer n, Double temperature, String mode, String instrument) {
}
