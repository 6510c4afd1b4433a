package dev.edgetwin.planner;

/**
 * How dynamic obstacles are predicted and kept away from: constant velocity, with the position's
 * standard deviation growing as sqrt(sigma0^2 + (speedSigma t)^2).
 *
 * @param personMargin wanted gap between the robot's footprint and a person, metres
 * @param objectMargin wanted gap to a robot or box, metres (smaller than for people)
 * @param personSpeedSigma how fast a person's position uncertainty grows, m/s
 * @param objectSpeedSigma the same for objects, m/s
 * @param sigmaScale how many standard deviations widen the margin
 */
public record ObstacleConfig(
        double personMargin,
        double objectMargin,
        double personSpeedSigma,
        double objectSpeedSigma,
        double sigmaScale) {
    public ObstacleConfig {
        double[] all = {personMargin, objectMargin, personSpeedSigma, objectSpeedSigma, sigmaScale};
        String[] names = {
            "personMargin", "objectMargin", "personSpeedSigma", "objectSpeedSigma", "sigmaScale"
        };
        for (int i = 0; i < all.length; i++) {
            if (!(all[i] >= 0) || !Double.isFinite(all[i])) {
                throw new IllegalArgumentException(
                        "ObstacleConfig." + names[i] + " must be finite and >= 0, got " + all[i]);
            }
        }
        if (objectMargin > personMargin) {
            throw new IllegalArgumentException(
                    "ObstacleConfig.objectMargin ("
                            + objectMargin
                            + ") must not exceed personMargin ("
                            + personMargin
                            + ")");
        }
    }

    public static ObstacleConfig defaults() {
        return new ObstacleConfig(0.5, 0.15, 0.2, 0.05, 1.0);
    }

    double margin(ObstacleClass kind) {
        return kind.isPerson() ? personMargin : objectMargin;
    }

    double speedSigma(ObstacleClass kind) {
        return kind.isPerson() ? personSpeedSigma : objectSpeedSigma;
    }
}
