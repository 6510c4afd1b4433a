package dev.edgetwin.runtime.cli;

import dev.edgetwin.runtime.bundle.BundleException;
import dev.edgetwin.runtime.bundle.BundleLimits;
import dev.edgetwin.runtime.bundle.BundlePacker;
import dev.edgetwin.runtime.bundle.BundleReader;
import dev.edgetwin.runtime.bundle.BundleSignature;
import dev.edgetwin.runtime.bundle.SigningKeys;
import dev.edgetwin.runtime.bundle.TrustStore;
import dev.edgetwin.runtime.bundle.VerifiedBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgetwin keys generate | sign | trust | list}: the Ed25519 keys that sign model bundles.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Ed25519 keys for model bundles: generate, sign, trust, list.",
        subcommands = {
            KeysCommand.Generate.class,
            KeysCommand.Sign.class,
            KeysCommand.Trust.class,
            KeysCommand.ListKeys.class
        })
final class KeysCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Signs manifest bytes with a key file; the public key defaults to the .pub beside it. */
    static BundleSignature signature(byte[] manifest, Path keyFile, Path publicFile)
            throws IOException {
        PrivateKey key = SigningKeys.readPrivate(keyFile);
        Path pub = publicFile != null ? publicFile : publicBeside(keyFile);
        PublicKey publicKey = SigningKeys.readPublic(pub);
        try {
            return BundleSignature.sign(manifest, key, publicKey);
        } catch (IllegalArgumentException e) {
            throw new IOException(pub + " is not the public key of " + keyFile, e);
        }
    }

    private static Path publicBeside(Path keyFile) {
        String name = keyFile.getFileName().toString();
        String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
        return keyFile.resolveSibling(base + ".pub");
    }

    @Command(
            name = "generate",
            mixinStandardHelpOptions = true,
            description = "Writes a new key pair: NAME.key (private, owner-only) and NAME.pub.")
    static final class Generate implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Path without extension, e.g. keys/site-a.")
        Path name;

        @Override
        public Integer call() throws IOException {
            Path key = name.resolveSibling(name.getFileName() + ".key");
            Path pub = name.resolveSibling(name.getFileName() + ".pub");
            if (Files.exists(key)) {
                spec.commandLine()
                        .getErr()
                        .printf("edgetwin keys generate: %s exists; not overwriting a key%n", key);
                return 2;
            }
            KeyPair pair = SigningKeys.generate();
            SigningKeys.write(pair, key, pub);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "key %s: private %s, public %s%n",
                            SigningKeys.keyId(pair.getPublic()), key, pub);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "sign",
            mixinStandardHelpOptions = true,
            description = "Signs a bundle's manifest (replacing any signature); writes OUTPUT.")
    static final class Sign implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "BUNDLE")
        Path bundle;

        @Option(names = "--key", required = true, paramLabel = "FILE")
        Path key;

        @Option(names = "--public-key", paramLabel = "FILE")
        Path publicKey;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "Default: the bundle itself, replaced atomically.")
        Path output;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            Path staging = Files.createTempDirectory("edgetwin-sign-");
            try {
                VerifiedBundle unpacked =
                        new BundleReader(BundleLimits.defaults()).readUnverified(bundle, staging);
                byte[] manifest = Files.readAllBytes(staging.resolve(VerifiedBundle.MANIFEST));
                BundleSignature signature = signature(manifest, key, publicKey);
                Map<String, Path> files = new LinkedHashMap<>();
                unpacked.manifest()
                        .files()
                        .forEach(f -> files.put(f.path(), unpacked.file(f.path())));
                BundlePacker.write(
                        unpacked.manifest(), signature, files, output != null ? output : bundle);
                spec.commandLine()
                        .getOut()
                        .printf(
                                "%s: signed by key %s%n",
                                output != null ? output : bundle, signature.keyId());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (BundleException e) {
                return ModelLifecycleCommands.refuse(err, "sign", e);
            } catch (IOException e) {
                err.printf("edgetwin keys sign: %s%n", e.getMessage());
                return 2;
            } finally {
                ModelLifecycleCommands.deleteTree(staging);
            }
        }
    }

    @Command(
            name = "trust",
            mixinStandardHelpOptions = true,
            description = "Adds a public key to this device's trust store.")
    static final class Trust implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "PUBLIC_KEY")
        Path publicKey;

        @Mixin StoreOptions store;

        @Override
        public Integer call() {
            TrustStore trust = store.trustStore();
            try {
                String id = trust.trust(publicKey);
                spec.commandLine().getOut().printf("trusted key %s (%s)%n", id, trust.directory());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (IOException e) {
                spec.commandLine().getErr().printf("edgetwin keys trust: %s%n", e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The trusted keys.")
    static final class ListKeys implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin StoreOptions store;

        @Override
        public Integer call() {
            TrustStore trust = store.trustStore();
            try {
                Map<String, PublicKey> keys = trust.keys();
                if (keys.isEmpty()) {
                    spec.commandLine()
                            .getOut()
                            .printf("no trusted keys in %s%n", trust.directory());
                }
                keys.keySet().forEach(id -> spec.commandLine().getOut().println(id));
                spec.commandLine().getOut().flush();
                return 0;
            } catch (IOException e) {
                spec.commandLine().getErr().printf("edgetwin keys list: %s%n", e.getMessage());
                return 2;
            }
        }
    }
}
