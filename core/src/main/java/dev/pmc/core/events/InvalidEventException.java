package dev.pmc.core.events;

/** An event that cannot be decoded or violates its schema; the message is the dead-letter reason. */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The dead-letter reason of any failure: an invalid event as it is, anything else as "Type: message". */
    public static InvalidEventException reason(Throwable e) {
        return e instanceof InvalidEventException invalid ? invalid : new InvalidEventException(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
