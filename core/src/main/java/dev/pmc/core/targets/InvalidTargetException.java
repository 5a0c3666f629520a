package dev.pmc.core.targets;

/** A target definition that cannot be used; the message names the offending field. */
public class InvalidTargetException extends IllegalArgumentException {
    public InvalidTargetException(String message) {
        super(message);
    }
}
