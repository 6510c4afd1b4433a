package dev.edgetwin.vision;

/**
 * How a source image was placed into the model input: input = source * scale + pad, per axis. Maps
 * model coordinates back to the source image.
 */
public record LetterboxTransform(
        double scaleX, double scaleY, double padX, double padY, int sourceWidth, int sourceHeight) {

    public double toSourceX(double inputX) {
        return clamp((inputX - padX) / scaleX, sourceWidth);
    }

    public double toSourceY(double inputY) {
        return clamp((inputY - padY) / scaleY, sourceHeight);
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }
}
