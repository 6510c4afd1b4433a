package dev.edgetwin.runtime.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import dev.edgetwin.profiles.CpuOptions;
import dev.edgetwin.profiles.CudaOptions;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ExecutionProvider;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.Precision;
import dev.edgetwin.profiles.TensorRtOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * Loads models on the best execution provider the device has. One per process, around ONNX
 * Runtime's single environment.
 *
 * <p>For each provider in the profile's chain, best first, it builds session options from the
 * profile (threads, spinning, graph optimisation, provider options), creates the session, checks
 * the model against the caller's contract and warms it up; a provider that is not compiled into the
 * loaded ONNX Runtime, fails to initialise, or fails on this model is recorded with ONNX Runtime's
 * message and the next one is tried. A contract mismatch is not the provider's fault and fails at
 * once.
 *
 * <p>Thread-safe: loads may run on any thread (a model swap loads beside the running model).
 */
public final class InferenceEngine {
    static final int WARMUP_RUNS = 3;
    private static final long TENSORRT_PROGRESS_SECONDS = 15;
    private static InferenceEngine instance;

    private final OrtEnvironment env;
    private final EnumSet<OrtProvider> compiledProviders;

    private InferenceEngine(OrtEnvironment env, EnumSet<OrtProvider> compiledProviders) {
        this.env = env;
        this.compiledProviders = compiledProviders;
    }

    /** The process's engine. */
    public static synchronized InferenceEngine instance() {
        if (instance == null) {
            OrtEnvironment env =
                    OrtEnvironment.getEnvironment(
                            OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "edgetwin");
            instance = new InferenceEngine(env, OrtEnvironment.getAvailableProviders());
            Logger.info(
                    "ONNX Runtime {} loaded; execution providers compiled in: {}",
                    env.getVersion(),
                    instance.compiledProviders);
        }
        return instance;
    }

    public String onnxRuntimeVersion() {
        return env.getVersion();
    }

    /** The providers compiled into the loaded ONNX Runtime library (not proof that they work). */
    public EnumSet<OrtProvider> compiledProviders() {
        return EnumSet.copyOf(compiledProviders);
    }

    /**
     * Whether {@code provider} can be initialised here with the profile's options, without a model:
     * empty if it can, else ONNX Runtime's reason.
     */
    public Optional<String> probe(
            ExecutionProvider provider, DeviceProfile profile, ModelRole role) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            addProvider(options, provider, profile, role);
            return Optional.empty();
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return Optional.of(providerFailure(provider, e));
        }
    }

    /**
     * Loads {@code model} for {@code role} on the first provider of the profile's chain that works,
     * then warms it up.
     *
     * @param contract what the caller needs of the model's inputs and outputs; null accepts any
     *     model (inspection)
     */
    public LoadedModel load(
            Path model, ModelRole role, DeviceProfile profile, ModelContract contract)
            throws InferenceException {
        return load(model, role, profile, profile.executionProviders(), contract);
    }

    /**
     * As {@link #load(Path, ModelRole, DeviceProfile, ModelContract)}, trying {@code chain} instead
     * of the profile's own (for inspection: one provider at a time).
     */
    public LoadedModel load(
            Path model,
            ModelRole role,
            DeviceProfile profile,
            List<ExecutionProvider> chain,
            ModelContract contract)
            throws InferenceException {
        if (!Files.isRegularFile(model) || !Files.isReadable(model)) {
            throw new InferenceException(
                    InferenceException.Code.MODEL_NOT_FOUND,
                    "no readable model file at " + model.toAbsolutePath());
        }
        Precision precision = profile.precisionFor(role);
        List<ExecutionReport.SkippedProvider> skipped = new ArrayList<>();
        double loadMillis = 0;
        for (ExecutionProvider provider : chain) {
            long t0 = System.nanoTime();
            OrtSession session;
            try (OrtSession.SessionOptions options = baseOptions(profile.cpu())) {
                try {
                    addProvider(options, provider, profile, role);
                } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                    skipped.add(
                            new ExecutionReport.SkippedProvider(
                                    provider, providerFailure(provider, e)));
                    continue;
                }
                session = createSession(model, options, provider, profile);
            } catch (OrtException e) {
                loadMillis += (System.nanoTime() - t0) / 1e6;
                skipped.add(
                        new ExecutionReport.SkippedProvider(
                                provider,
                                "could not create a session for this model: " + e.getMessage()));
                continue;
            }
            loadMillis += (System.nanoTime() - t0) / 1e6;
            try {
                checkContract(model, session, contract);
                long w0 = System.nanoTime();
                int runs = warmUp(session);
                double warmupMillis = (System.nanoTime() - w0) / 1e6;
                ExecutionReport report =
                        new ExecutionReport(
                                model.getFileName().toString(),
                                role,
                                chain,
                                provider,
                                skipped,
                                precision,
                                loadMillis,
                                warmupMillis,
                                runs);
                if (report.gotFirstChoice()) {
                    Logger.info("Model ready: {}", report.summary());
                } else {
                    Logger.warn("Model ready on a fallback provider: {}", report.summary());
                }
                return new LoadedModel(model, session, report);
            } catch (InferenceException e) {
                closeQuietly(session);
                throw e;
            } catch (OrtException | RuntimeException e) {
                closeQuietly(session);
                skipped.add(
                        new ExecutionReport.SkippedProvider(
                                provider, "the warm-up run failed: " + e.getMessage()));
            }
        }
        StringBuilder why =
                new StringBuilder("no execution provider could run ").append(model.getFileName());
        for (ExecutionReport.SkippedProvider s : skipped) {
            why.append("; ").append(s.provider().id()).append(": ").append(s.reason());
        }
        throw new InferenceException(why.toString(), skipped);
    }

    private OrtSession.SessionOptions baseOptions(CpuOptions cpu) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (cpu.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(cpu.intraOpThreads());
            }
            if (cpu.interOpThreads() > 0) {
                options.setInterOpNumThreads(cpu.interOpThreads());
            }
            // Spinning burns a core waiting for work: fast on a desktop, wasteful on a shared SoC.
            String spin = cpu.spinning() ? "1" : "0";
            options.addConfigEntry("session.intra_op.allow_spinning", spin);
            options.addConfigEntry("session.inter_op.allow_spinning", spin);
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static void addProvider(
            OrtSession.SessionOptions options,
            ExecutionProvider provider,
            DeviceProfile profile,
            ModelRole role)
            throws OrtException {
        Precision precision = profile.precisionFor(role);
        switch (provider) {
            case CPU -> {
                // The CPU provider is always registered last by ONNX Runtime itself.
            }
            case CUDA -> {
                CudaOptions cuda = profile.cuda();
                try (OrtCUDAProviderOptions o = new OrtCUDAProviderOptions(cuda.deviceId())) {
                    if (cuda.memoryLimitBytes() > 0) {
                        o.add("gpu_mem_limit", Long.toString(cuda.memoryLimitBytes()));
                    }
                    options.addCUDA(o);
                }
            }
            case TENSORRT -> {
                TensorRtOptions trt = profile.tensorrt();
                try (OrtTensorRTProviderOptions o =
                        new OrtTensorRTProviderOptions(profile.cuda().deviceId())) {
                    o.add("trt_fp16_enable", flag(trt.fp16() && precision != Precision.FP32));
                    o.add("trt_int8_enable", flag(trt.int8() && precision == Precision.INT8));
                    o.add("trt_max_workspace_size", Long.toString(trt.workspaceBytes()));
                    if (trt.engineCacheDir() != null && !trt.engineCacheDir().isBlank()) {
                        o.add("trt_engine_cache_enable", "1");
                        o.add("trt_engine_cache_path", trt.engineCacheDir());
                        o.add("trt_timing_cache_enable", "1");
                    }
                    // The DLA takes fixed shapes only: the detector, never the batch-varying
                    // scorer.
                    if (trt.dlaCore() != null && role == ModelRole.DETECTOR) {
                        o.add("trt_dla_enable", "1");
                        o.add("trt_dla_core", Integer.toString(trt.dlaCore()));
                    }
                    options.addTensorrt(o);
                }
            }
        }
    }

    private static String flag(boolean on) {
        return on ? "1" : "0";
    }

    private String providerFailure(ExecutionProvider provider, Throwable e) {
        String message =
                e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        OrtProvider ort =
                provider == ExecutionProvider.TENSORRT
                        ? OrtProvider.TENSOR_RT
                        : OrtProvider.valueOf(provider.name());
        if (!compiledProviders.contains(ort)) {
            return "not compiled into this ONNX Runtime (it offers "
                    + compiledProviders
                    + "): "
                    + message;
        }
        return "failed to initialise: " + message;
    }

    private OrtSession createSession(
            Path model,
            OrtSession.SessionOptions options,
            ExecutionProvider provider,
            DeviceProfile profile)
            throws OrtException {
        if (provider != ExecutionProvider.TENSORRT) {
            return env.createSession(model.toString(), options);
        }
        // Building a TensorRT engine can take minutes on a Jetson; say so while it happens.
        ScheduledExecutorService ticker =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "tensorrt-build-progress");
                            t.setDaemon(true);
                            return t;
                        });
        long start = System.nanoTime();
        String cache = profile.tensorrt().engineCacheDir();
        Logger.info(
                "Creating a TensorRT session for {} (engine cache: {}); the first build of an engine can take minutes",
                model.getFileName(),
                cache == null || cache.isBlank() ? "off" : cache);
        ScheduledFuture<?> progress =
                ticker.scheduleAtFixedRate(
                        () ->
                                Logger.info(
                                        "TensorRT engine build for {} still running: {} s",
                                        model.getFileName(),
                                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)),
                        TENSORRT_PROGRESS_SECONDS,
                        TENSORRT_PROGRESS_SECONDS,
                        TimeUnit.SECONDS);
        try {
            return env.createSession(model.toString(), options);
        } finally {
            progress.cancel(false);
            ticker.shutdownNow();
        }
    }

    private static void checkContract(Path model, OrtSession session, ModelContract contract)
            throws InferenceException, OrtException {
        if (contract == null) {
            return;
        }
        List<String> problems =
                contract.mismatches(session.getInputInfo(), session.getOutputInfo());
        if (!problems.isEmpty()) {
            throw new InferenceException(
                    InferenceException.Code.CONTRACT_MISMATCH,
                    model.getFileName() + " does not fit: " + String.join("; ", problems));
        }
    }

    /** Runs the model on zeros a few times; returns 0 when an input's shape is not fixed. */
    private int warmUp(OrtSession session) throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
                    return 0;
                }
                long[] shape = t.getShape();
                long elements = 1;
                for (long d : shape) {
                    if (d <= 0) {
                        return 0;
                    }
                    elements *= d;
                }
                ByteBuffer zeros =
                        ByteBuffer.allocateDirect((int) (elements * t.type.size))
                                .order(ByteOrder.nativeOrder());
                inputs.put(e.getKey(), OnnxTensor.createTensor(env, zeros, shape, t.type));
            }
            for (int i = 0; i < WARMUP_RUNS; i++) {
                try (OrtSession.Result ignored = session.run(inputs)) {
                    // Outputs are discarded: the runs exist to allocate arenas and pick kernels.
                }
            }
            return WARMUP_RUNS;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            Logger.warn(e, "Closing a session failed");
        }
    }
}
