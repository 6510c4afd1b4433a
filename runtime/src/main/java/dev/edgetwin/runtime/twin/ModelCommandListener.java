package dev.edgetwin.runtime.twin;

import java.util.function.Consumer;

/**
 * Carries out what arrives on {@code edgetwin/<site>/<robot>/model/command} (install, bundle-chunk,
 * activate, rollback; docs/twin-protocol.md, "Model commands") and answers each message, valid or
 * not, through {@code reply}; the publisher sends the answer on {@code model/command/response}.
 *
 * <p>Called on the MQTT client's callback thread: it must hand the work over and return quickly;
 * {@code reply} may be called later, from any thread, once per message.
 */
@FunctionalInterface
public interface ModelCommandListener {
    /** The daemon without a model store: every model command is answered {@code unavailable}. */
    ModelCommandListener UNWIRED =
            (payload, reply) ->
                    reply.accept(
                            ModelCommandReply.of(
                                    null,
                                    null,
                                    CommandVerdict.unavailable(
                                            "this daemon has no model store wired: model commands"
                                                    + " cannot be carried out")));

    void onModelCommand(byte[] payload, Consumer<ModelCommandReply> reply);

    /**
     * The answer to one model command.
     *
     * @param id the command's id; null when it had none that could be read
     * @param command the command's name; null when it was not a known one
     * @param verdict accepted, rejected or unavailable, with the reason
     * @param code for a refusal, the check that refused it (e.g. {@code UNSIGNED}, {@code
     *     CHUNK_HASH_MISMATCH}); null otherwise
     * @param transfer a chunked transfer's id, for {@code bundle-chunk}; else null
     * @param received chunks of the transfer held now (0 when not a chunk)
     * @param count chunks the transfer has (0 when not a chunk)
     * @param model the model installed, activated or serving again ({@code name@version}), or null
     * @param timeMillis when the robot answered
     */
    record ModelCommandReply(
            String id,
            String command,
            CommandVerdict verdict,
            String code,
            String transfer,
            int received,
            int count,
            String model,
            long timeMillis) {
        public ModelCommandReply {
            java.util.Objects.requireNonNull(verdict, "verdict");
        }

        public static ModelCommandReply of(String id, String command, CommandVerdict verdict) {
            return new ModelCommandReply(
                    id, command, verdict, null, null, 0, 0, null, System.currentTimeMillis());
        }
    }
}
