package dev.edgetwin.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.edgetwin.runtime.bundle.BundleException.Reason;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * {@code manifest.sig}: the detached Ed25519 signature over the exact bytes of {@code
 * manifest.json}, with the id of the key that made it.
 */
@JsonPropertyOrder({"algorithm", "keyId", "signature"})
public record BundleSignature(String algorithm, String keyId, String signature) {
    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .build();

    /** Signs {@code manifestJson} with {@code key}; {@code publicKey} names it. */
    public static BundleSignature sign(byte[] manifestJson, PrivateKey key, PublicKey publicKey) {
        byte[] signature = SigningKeys.sign(key, manifestJson);
        if (!SigningKeys.verify(publicKey, manifestJson, signature)) {
            throw new IllegalArgumentException("the public key is not the signing key's pair");
        }
        return new BundleSignature(
                SigningKeys.ALGORITHM,
                SigningKeys.keyId(publicKey),
                Base64.getEncoder().encodeToString(signature));
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("a signature record always serialises", e);
        }
    }

    /**
     * Reads {@code manifest.sig}.
     *
     * @throws BundleException {@link Reason#BAD_SIGNATURE} when it is not a signature record
     */
    public static BundleSignature parse(byte[] json) throws BundleException {
        BundleSignature s;
        try {
            s = JSON.readValue(json, BundleSignature.class);
        } catch (IOException e) {
            throw new BundleException(
                    Reason.BAD_SIGNATURE, "manifest.sig is not a signature record", e);
        }
        if (s == null || !SigningKeys.ALGORITHM.equals(s.algorithm())) {
            throw new BundleException(
                    Reason.BAD_SIGNATURE,
                    "manifest.sig: algorithm must be "
                            + SigningKeys.ALGORITHM
                            + ", got "
                            + (s == null ? "nothing" : "'" + s.algorithm() + "'"));
        }
        if (s.keyId() == null || s.signature() == null) {
            throw new BundleException(
                    Reason.BAD_SIGNATURE, "manifest.sig needs a keyId and a signature");
        }
        return s;
    }

    /** The raw signature bytes; empty when the field is not base64 (which then fails to verify). */
    public byte[] signatureBytes() {
        try {
            return Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
