package dev.edgetwin.runtime.cli;

import java.nio.file.Path;

/** Where per-user files go, by the XDG base-directory convention. */
final class UserDirectories {
    private UserDirectories() {}

    /**
     * {@code $explicitVariable} if set, else {@code $xdgVariable/edgetwin/leaf}, else {@code
     * ~/homeFallback/edgetwin/leaf}.
     */
    static Path resolve(
            String explicitVariable, String xdgVariable, String homeFallback, String leaf) {
        String explicit = System.getenv(explicitVariable);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv(xdgVariable);
        Path base =
                xdg != null && !xdg.isBlank()
                        ? Path.of(xdg)
                        : Path.of(System.getProperty("user.home")).resolve(homeFallback);
        return base.resolve("edgetwin").resolve(leaf);
    }
}
