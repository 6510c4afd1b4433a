package dev.edgetwin.runtime.cli;

import dev.edgetwin.modelkit.ModelKitVersion;
import dev.edgetwin.runtime.bundle.BundleException;
import dev.edgetwin.runtime.bundle.ModelStore;
import dev.edgetwin.runtime.bundle.TrustStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the device keeps its installed models and the keys it trusts. */
final class StoreOptions {
    @Option(
            names = "--store",
            paramLabel = "DIR",
            description =
                    "The model store. Default: $EDGETWIN_MODEL_STORE, $XDG_STATE_HOME/edgetwin/models"
                            + " or ~/.local/state/edgetwin/models.")
    Path store;

    @Option(
            names = "--trust",
            paramLabel = "DIR",
            description =
                    "The trusted public keys. Default: $EDGETWIN_TRUST_DIR,"
                            + " $XDG_CONFIG_HOME/edgetwin/trusted-keys or"
                            + " ~/.config/edgetwin/trusted-keys.")
    Path trust;

    Path storeDirectory() {
        return store != null
                ? store
                : UserDirectories.resolve(
                        "EDGETWIN_MODEL_STORE", "XDG_STATE_HOME", ".local/state", "models");
    }

    TrustStore trustStore() {
        return new TrustStore(
                trust != null
                        ? trust
                        : UserDirectories.resolve(
                                "EDGETWIN_TRUST_DIR",
                                "XDG_CONFIG_HOME",
                                ".config",
                                "trusted-keys"));
    }

    ModelStore open() throws BundleException {
        return ModelStore.open(storeDirectory(), trustStore(), ModelKitVersion.VERSION);
    }
}
