package dev.edgetwin.runtime.inference;

import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ExecutionProvider;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.Precision;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.tinylog.Logger;

/**
 * Chooses between a model's fp32 and int8 (QDQ) builds when the device profile asks for int8. INT8
 * pays only where the hardware has fast int8 kernels (AVX-512 VNNI, AMX, Arm's dot-product
 * instructions, TensorRT) and the model spends its time in the layers that were quantized; a model
 * dominated by pooling and elementwise arithmetic gets slower from the added Quantize/Dequantize
 * pairs. Neither can be read off a flag, so both builds are loaded and timed here, on this device,
 * and int8 serves only when it is at least {@link #MIN_INT8_SPEEDUP} times as fast. Otherwise fp32
 * serves, and the choice carries the reason, with both timings, for the log and the twin.
 *
 * <p>Runs on the caller's thread, before the model serves frames (timing takes about 60 runs).
 */
public final class PrecisionSelector {
    /**
     * int8 must be at least this much faster to serve: below it the gain is within the spread of
     * the timing and not worth int8's small loss of accuracy.
     */
    public static final double MIN_INT8_SPEEDUP = 1.05;

    /** 5 warm-up runs each, then 6 rounds of 5 runs of each build. */
    static final RunTimer.Plan PLAN = new RunTimer.Plan(5, 6, 5);

    /**
     * Which build serves and why.
     *
     * @param precision the precision of the file that serves: {@link Precision#FP32} or {@link
     *     Precision#INT8}
     * @param reason one sentence for the log and the twin
     * @param fp32Millis median {@code session.run} time of the fp32 build; NaN when not timed
     * @param int8Millis median {@code session.run} time of the int8 build; NaN when not timed
     */
    public record Choice(Precision precision, String reason, double fp32Millis, double int8Millis) {
        public Choice {
            Objects.requireNonNull(precision, "precision");
            Objects.requireNonNull(reason, "reason");
        }

        /** fp32 time over int8 time; NaN when they were not both timed. */
        public double int8Speedup() {
            return fp32Millis / int8Millis;
        }
    }

    /** The model that serves, loaded and warmed up, and why it was chosen. */
    public record Selected(LoadedModel model, Choice choice) {}

    private PrecisionSelector() {}

    /**
     * Loads the build of the model to serve {@code role}.
     *
     * @param fp32 the float model; always needed
     * @param int8 its int8 build, or null when there is none
     * @throws InferenceException when the fp32 model cannot be loaded (an int8 build that cannot be
     *     loaded or run is passed over, with the reason in the choice)
     */
    public static Selected select(
            InferenceEngine engine,
            Path fp32,
            Path int8,
            ModelRole role,
            DeviceProfile profile,
            ModelContract contract)
            throws InferenceException {
        Precision requested = profile.precisionFor(role);
        if (requested != Precision.INT8) {
            LoadedModel model = engine.load(fp32, role, profile, contract);
            return new Selected(
                    model,
                    new Choice(
                            Precision.FP32,
                            "the "
                                    + profile.id()
                                    + " profile asks for "
                                    + requested.id()
                                    + " for the "
                                    + role.id(),
                            Double.NaN,
                            Double.NaN));
        }
        if (int8 == null) {
            LoadedModel model = engine.load(fp32, role, profile, contract);
            return new Selected(
                    model,
                    new Choice(
                            Precision.FP32,
                            "the "
                                    + profile.id()
                                    + " profile asks for int8, but there is no int8 build of "
                                    + fp32.getFileName()
                                    + " (make one with `edgetwin models quantize` and give it as"
                                    + " the int8 model)",
                            Double.NaN,
                            Double.NaN));
        }
        LoadedModel fp32Model = engine.load(fp32, role, profile, contract);
        LoadedModel int8Model;
        try {
            int8Model = engine.load(int8, role, profile, contract);
        } catch (InferenceException e) {
            Logger.warn("The int8 build {} cannot serve: {}", int8.getFileName(), e.getMessage());
            return new Selected(
                    fp32Model,
                    new Choice(
                            Precision.FP32,
                            "the int8 build "
                                    + int8.getFileName()
                                    + " cannot be loaded: "
                                    + e.getMessage(),
                            Double.NaN,
                            Double.NaN));
        }
        List<RunTimer.Timing> timings;
        try {
            timings = RunTimer.time(List.of(fp32Model, int8Model), PLAN);
        } catch (InferenceException | RuntimeException e) {
            int8Model.close();
            Logger.warn("Timing {} against its int8 build failed: {}", fp32.getFileName(), e);
            return new Selected(
                    fp32Model,
                    new Choice(
                            Precision.FP32,
                            "timing the int8 build " + int8.getFileName() + " failed: " + e,
                            Double.NaN,
                            Double.NaN));
        }
        String where =
                fp32Model.report().used().id()
                        + " provider"
                        + (fp32Model.report().used() == ExecutionProvider.CPU
                                ? " (" + CpuDescription.describe() + ")"
                                : "");
        Choice choice = decide(timings.get(0).medianMillis(), timings.get(1).medianMillis(), where);
        if (choice.precision() == Precision.INT8) {
            fp32Model.close();
            Logger.info("Serving the int8 build of the {}: {}", role.id(), choice.reason());
            return new Selected(int8Model, choice);
        }
        int8Model.close();
        Logger.info("Serving the fp32 build of the {}: {}", role.id(), choice.reason());
        return new Selected(fp32Model, choice);
    }

    /** The choice for measured medians; {@code where} names the provider and CPU. */
    static Choice decide(double fp32Millis, double int8Millis, String where) {
        double speedup = fp32Millis / int8Millis;
        if (speedup >= MIN_INT8_SPEEDUP) {
            return new Choice(
                    Precision.INT8,
                    String.format(
                            Locale.ROOT,
                            "int8 runs in %.2f ms against fp32's %.2f ms (%.2fx) on the %s",
                            int8Millis,
                            fp32Millis,
                            speedup,
                            where),
                    fp32Millis,
                    int8Millis);
        }
        return new Choice(
                Precision.FP32,
                String.format(
                        Locale.ROOT,
                        "int8 is not faster here: %.2f ms against fp32's %.2f ms (%.2fx, below"
                                + " %.2fx) on the %s",
                        int8Millis,
                        fp32Millis,
                        speedup,
                        MIN_INT8_SPEEDUP,
                        where),
                fp32Millis,
                int8Millis);
    }
}
