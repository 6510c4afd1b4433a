package dev.edgetwin.runtime.bundle;

import java.util.Locale;
import java.util.Objects;

/**
 * A change in the model store or in what the daemon serves, or a refusal of one: what {@link
 * ModelStore} and {@link ModelDeployer} report to their {@link Listener}, and what the daemon
 * publishes on {@code edgetwin/<site>/<robot>/model/event} (docs/twin-protocol.md, "Model events").
 *
 * @param kind what happened
 * @param name the model's name; null only for an install refused before its manifest was read
 * @param version the version concerned (installed, activated, judged, serving again after a
 *     rollback, or refused); null where it is unknown
 * @param from the version active before an activation or a rollback, else null
 * @param reason for refusals and a failed probation: the {@link BundleException.Reason} name, or
 *     {@code PROBATION} for a failed probation; null otherwise
 * @param message a line for people: the refusal's or the verdict's text
 * @param timeMillis when it happened, milliseconds since the Unix epoch
 */
public record ModelTransition(
        Kind kind,
        String name,
        String version,
        String from,
        String reason,
        String message,
        long timeMillis) {

    /** What happened. */
    public enum Kind {
        /** A bundle was verified and added to the store (not activated). */
        INSTALLED,
        /** An install was refused; nothing was added. */
        INSTALL_REFUSED,
        /** A version became the active one (served from the next frame on a running daemon). */
        ACTIVATED,
        /** An activation was refused; the active version stays. */
        ACTIVATION_REFUSED,
        /** The new version served its probation window within the limits. */
        PROBATION_PASSED,
        /** The new version failed its probation; a {@link #ROLLED_BACK} follows. */
        PROBATION_FAILED,
        /** The version active before serves again. */
        ROLLED_BACK,
        /** A rollback was refused; the active version stays. */
        ROLLBACK_REFUSED;

        /** The name on the wire: {@code install-refused}, {@code rolled-back}, ... */
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether this kind reports a refusal or a failure (it then carries a reason). */
        public boolean isFailure() {
            return this == INSTALL_REFUSED
                    || this == ACTIVATION_REFUSED
                    || this == PROBATION_FAILED
                    || this == ROLLBACK_REFUSED;
        }
    }

    /**
     * Told of every transition, on the thread that made it (an admin request, a command, the
     * probation watcher); must be quick and must not throw (what it throws is logged and dropped).
     */
    @FunctionalInterface
    public interface Listener {
        /** Reports nowhere. */
        Listener NONE = t -> {};

        void onTransition(ModelTransition transition);
    }

    public ModelTransition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        if (kind.isFailure() != (reason != null)) {
            throw new IllegalArgumentException(
                    "a reason is given exactly for refusals and failed probations; kind "
                            + kind
                            + ", reason "
                            + reason);
        }
        if (name == null && kind != Kind.INSTALL_REFUSED) {
            throw new IllegalArgumentException(kind + " needs the model's name");
        }
    }

    static ModelTransition of(Kind kind, String name, String version, String from, String message) {
        return new ModelTransition(
                kind, name, version, from, null, message, System.currentTimeMillis());
    }

    static ModelTransition refused(Kind kind, String name, String version, BundleException e) {
        return new ModelTransition(
                kind,
                name,
                version,
                null,
                e.reason().name(),
                e.getMessage(),
                System.currentTimeMillis());
    }

    @Override
    public String toString() {
        return kind.wire()
                + " "
                + (name == null ? "?" : name)
                + (version == null ? "" : "@" + version)
                + (reason == null ? "" : " (" + reason + ")");
    }
}
