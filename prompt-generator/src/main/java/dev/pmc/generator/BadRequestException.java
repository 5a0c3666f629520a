package dev.pmc.generator;

/** A run request that cannot be served; the message is returned to the caller with HTTP 400. */
public class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message);
    }
}
