package dev.edgetwin.runtime.inference;

import java.util.List;

/** A model could not be loaded or run. */
public final class InferenceException extends Exception {

    /** What went wrong. */
    public enum Code {
        /** The model file is missing or unreadable. */
        MODEL_NOT_FOUND,
        /** No execution provider in the chain could run the model; the message lists why. */
        NO_EXECUTION_PROVIDER,
        /** The model's inputs or outputs are not what the caller expects. */
        CONTRACT_MISMATCH,
        /** A run failed after loading. */
        RUN_FAILED
    }

    private final Code code;
    private final List<ExecutionReport.SkippedProvider> refusals;

    public InferenceException(Code code, String message) {
        super(message);
        this.code = code;
        this.refusals = List.of();
    }

    /** No provider could run the model; {@code refusals} says why, provider by provider. */
    InferenceException(String message, List<ExecutionReport.SkippedProvider> refusals) {
        super(message);
        this.code = Code.NO_EXECUTION_PROVIDER;
        this.refusals = List.copyOf(refusals);
    }

    public InferenceException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.refusals = List.of();
    }

    /** With {@link Code#NO_EXECUTION_PROVIDER}: each provider tried and why it refused. */
    public List<ExecutionReport.SkippedProvider> refusals() {
        return refusals;
    }

    public Code code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
