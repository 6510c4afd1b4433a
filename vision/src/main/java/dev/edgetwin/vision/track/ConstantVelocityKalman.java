package dev.edgetwin.vision.track;

/**
 * A Kalman filter for a point moving at constant velocity on the floor plane. State {@code [x, y,
 * vx, vy]} in metres and metres per second; covariance 4x4, row-major. The process noise is white
 * acceleration with spectral density {@code q} (m^2/s^3) on each axis, the measurement is the
 * position with a full 2x2 covariance.
 *
 * <p>Mutable, not thread-safe; one per track.
 */
final class ConstantVelocityKalman {
    static final int DIM = 4;

    private final double[] state = new double[DIM];
    private final double[] cov = new double[DIM * DIM];
    private final double[] scratch = new double[DIM * DIM];
    private final double[] scratch2 = new double[DIM * DIM];

    /**
     * Starts at a measured position with unknown velocity: position covariance = the measurement's,
     * velocity variance {@code speedVariance} on each axis, no cross terms.
     */
    ConstantVelocityKalman(
            double x, double y, double rxx, double rxy, double ryy, double speedVariance) {
        state[0] = x;
        state[1] = y;
        cov[0] = rxx;
        cov[1] = rxy;
        cov[4] = rxy;
        cov[5] = ryy;
        cov[10] = speedVariance;
        cov[15] = speedVariance;
    }

    /** Starts from a given state and covariance (copied). */
    ConstantVelocityKalman(double[] state, double[] covariance) {
        System.arraycopy(state, 0, this.state, 0, DIM);
        System.arraycopy(covariance, 0, this.cov, 0, DIM * DIM);
    }

    double x() {
        return state[0];
    }

    double y() {
        return state[1];
    }

    double vx() {
        return state[2];
    }

    double vy() {
        return state[3];
    }

    double[] stateCopy() {
        return state.clone();
    }

    double[] covarianceCopy() {
        return cov.clone();
    }

    /**
     * Moves the state {@code dt} seconds forward: {@code x' = F x}, {@code P' = F P F^T + Q} with
     * {@code Q = q [[dt^3/3, dt^2/2], [dt^2/2, dt]]} per axis.
     */
    void predict(double dt, double q) {
        if (!(dt >= 0)) {
            throw new IllegalArgumentException("dt must be >= 0, got " + dt);
        }
        if (dt == 0) {
            return;
        }
        state[0] += dt * state[2];
        state[1] += dt * state[3];
        // F P: row i of F is e_i + dt e_{i+2} for i < 2.
        double[] fp = scratch;
        for (int c = 0; c < DIM; c++) {
            fp[c] = cov[c] + dt * cov[2 * DIM + c];
            fp[DIM + c] = cov[DIM + c] + dt * cov[3 * DIM + c];
            fp[2 * DIM + c] = cov[2 * DIM + c];
            fp[3 * DIM + c] = cov[3 * DIM + c];
        }
        // (F P) F^T: column j of F^T is row j of F.
        for (int r = 0; r < DIM; r++) {
            int o = r * DIM;
            cov[o] = fp[o] + dt * fp[o + 2];
            cov[o + 1] = fp[o + 1] + dt * fp[o + 3];
            cov[o + 2] = fp[o + 2];
            cov[o + 3] = fp[o + 3];
        }
        double q11 = q * dt * dt * dt / 3;
        double q12 = q * dt * dt / 2;
        double q22 = q * dt;
        cov[0] += q11;
        cov[5] += q11;
        cov[2] += q12;
        cov[8] += q12;
        cov[7] += q12;
        cov[13] += q12;
        cov[10] += q22;
        cov[15] += q22;
        symmetrize();
    }

    /**
     * Squared Mahalanobis distance of a measured position from the predicted one: {@code y^T S^-1
     * y} with {@code y = z - H x}, {@code S = H P H^T + R}.
     */
    double mahalanobisSquared(double zx, double zy, double rxx, double rxy, double ryy) {
        double sxx = cov[0] + rxx;
        double sxy = cov[1] + rxy;
        double syy = cov[5] + ryy;
        double det = sxx * syy - sxy * sxy;
        double dx = zx - state[0];
        double dy = zy - state[1];
        return (syy * dx * dx - 2 * sxy * dx * dy + sxx * dy * dy) / det;
    }

    /** {@code ln det S}, the other half of the Gaussian negative log likelihood. */
    double logDetInnovation(double rxx, double rxy, double ryy) {
        double sxx = cov[0] + rxx;
        double sxy = cov[1] + rxy;
        double syy = cov[5] + ryy;
        return Math.log(sxx * syy - sxy * sxy);
    }

    /**
     * Corrects with a measured position: {@code K = P H^T S^-1}, {@code x += K y}, and the
     * covariance in Joseph form {@code (I - K H) P (I - K H)^T + K R K^T}, which stays symmetric
     * and positive semi-definite under rounding.
     */
    void update(double zx, double zy, double rxx, double rxy, double ryy) {
        double sxx = cov[0] + rxx;
        double sxy = cov[1] + rxy;
        double syy = cov[5] + ryy;
        double det = sxx * syy - sxy * sxy;
        double ixx = syy / det;
        double ixy = -sxy / det;
        double iyy = sxx / det;
        // K (4x2) = P H^T S^-1; P H^T is the first two columns of P.
        double[] k = new double[DIM * 2];
        for (int r = 0; r < DIM; r++) {
            double p0 = cov[r * DIM];
            double p1 = cov[r * DIM + 1];
            k[2 * r] = p0 * ixx + p1 * ixy;
            k[2 * r + 1] = p0 * ixy + p1 * iyy;
        }
        double dx = zx - state[0];
        double dy = zy - state[1];
        for (int r = 0; r < DIM; r++) {
            state[r] += k[2 * r] * dx + k[2 * r + 1] * dy;
        }
        // A = I - K H (4x4): H picks the first two state components.
        double[] a = scratch;
        for (int r = 0; r < DIM; r++) {
            for (int c = 0; c < DIM; c++) {
                double v = r == c ? 1 : 0;
                if (c < 2) {
                    v -= k[2 * r + c];
                }
                a[r * DIM + c] = v;
            }
        }
        // A P
        double[] ap = scratch2;
        multiply(a, cov, ap);
        // (A P) A^T + K R K^T
        for (int r = 0; r < DIM; r++) {
            double kr0 = k[2 * r];
            double kr1 = k[2 * r + 1];
            double kRr0 = kr0 * rxx + kr1 * rxy;
            double kRr1 = kr0 * rxy + kr1 * ryy;
            for (int c = 0; c < DIM; c++) {
                double s = 0;
                for (int i = 0; i < DIM; i++) {
                    s += ap[r * DIM + i] * a[c * DIM + i];
                }
                cov[r * DIM + c] = s + kRr0 * k[2 * c] + kRr1 * k[2 * c + 1];
            }
        }
        symmetrize();
    }

    private static void multiply(double[] a, double[] b, double[] out) {
        for (int r = 0; r < DIM; r++) {
            for (int c = 0; c < DIM; c++) {
                double s = 0;
                for (int i = 0; i < DIM; i++) {
                    s += a[r * DIM + i] * b[i * DIM + c];
                }
                out[r * DIM + c] = s;
            }
        }
    }

    private void symmetrize() {
        for (int r = 0; r < DIM; r++) {
            for (int c = r + 1; c < DIM; c++) {
                double m = (cov[r * DIM + c] + cov[c * DIM + r]) / 2;
                cov[r * DIM + c] = m;
                cov[c * DIM + r] = m;
            }
        }
    }
}
