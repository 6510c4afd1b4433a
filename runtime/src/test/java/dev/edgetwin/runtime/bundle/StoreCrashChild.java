package dev.edgetwin.runtime.bundle;

import java.nio.file.Path;

/**
 * The process the crash test kills: installs and activates a bundle, and when it reaches the named
 * step it says so on stdout and waits to be killed with SIGKILL.
 *
 * <p>Arguments: store folder, trust folder, bundle, name, version, step.
 */
public final class StoreCrashChild {
    private StoreCrashChild() {}

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        TrustStore trust = new TrustStore(Path.of(args[1]));
        Path bundle = Path.of(args[2]);
        String stopAt = args[5];
        ModelStore s =
                ModelStore.open(
                        store,
                        trust,
                        BundleLimits.defaults(),
                        TestBundles.runtimeVersion(),
                        step -> {
                            if (step.equals(stopAt)) {
                                System.out.println("AT " + step);
                                System.out.flush();
                                try {
                                    Thread.sleep(Long.MAX_VALUE);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        });
        s.install(bundle, false);
        s.activate(args[3], args[4]);
        System.out.println("FINISHED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
