package dev.edgetwin.runtime.bundle;

import dev.edgetwin.runtime.bundle.BundleException.Reason;
import java.nio.file.Path;
import java.util.Optional;
import org.tinylog.Logger;

/**
 * Activation and rollback on a running daemon: the model is loaded, checked against the detector
 * contract and warmed up beside the serving one, swapped in between two frames, and only then
 * recorded as active in the store. A model that fails to load leaves both the serving detector and
 * the store as they were; a kill between the swap and the store's update restarts on the version
 * the store names.
 */
public final class ModelDeployer {

    /** What serves the model: the daemon. */
    public interface Host {
        /**
         * Loads, checks and warms up {@code model}, then serves it from the next frame.
         *
         * @throws Exception when it cannot; the serving model stays
         */
        void serve(Path model) throws Exception;
    }

    private final ModelStore store;
    private final Host host;

    public ModelDeployer(ModelStore store, Host host) {
        this.store = store;
        this.host = host;
    }

    /** Verifies, loads, swaps in and records {@code name@version} as active. */
    public synchronized InstalledModel activate(String name, String version)
            throws BundleException {
        InstalledModel candidate = store.verifyInstalled(name, version);
        if (!"detector".equals(candidate.manifest().role())) {
            throw new BundleException(
                    Reason.BAD_MANIFEST,
                    candidate.id()
                            + " is a "
                            + candidate.manifest().role()
                            + "; only detectors are served by the vision pipeline");
        }
        swapIn(candidate);
        InstalledModel active = store.activate(name, version);
        Logger.info("Deployed {}: serving and recorded as active", active.id());
        return active;
    }

    /** Serves the previously active version again and records it. */
    public synchronized InstalledModel rollback(String name) throws BundleException {
        Optional<InstalledModel> previous = store.previous(name);
        if (previous.isEmpty()) {
            throw new BundleException(
                    Reason.NOT_INSTALLED, name + " has nothing active before its current version");
        }
        InstalledModel target = store.verifyInstalled(name, previous.get().version());
        swapIn(target);
        InstalledModel active = store.rollback(name);
        Logger.info("Rolled {} back: {} serves again", name, active.id());
        return active;
    }

    private void swapIn(InstalledModel model) throws BundleException {
        try {
            host.serve(model.modelFile());
        } catch (Exception e) {
            throw new BundleException(
                    Reason.MODEL_REJECTED,
                    model.id() + " could not be served, the current model stays: " + e.getMessage(),
                    e);
        }
    }
}
