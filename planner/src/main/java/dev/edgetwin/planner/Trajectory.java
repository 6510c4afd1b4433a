package dev.edgetwin.planner;

/** A planned trajectory: the robot's state after each step of {@code dt}, in the map frame. */
public record Trajectory(double dt, double[] x, double[] y, double[] theta, double[] speed) {
    public Trajectory {
        if (x.length != y.length || x.length != theta.length || x.length != speed.length) {
            throw new IllegalArgumentException("trajectory arrays differ in length");
        }
        x = x.clone();
        y = y.clone();
        theta = theta.clone();
        speed = speed.clone();
    }

    public int steps() {
        return x.length;
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] y() {
        return y.clone();
    }

    @Override
    public double[] theta() {
        return theta.clone();
    }

    @Override
    public double[] speed() {
        return speed.clone();
    }

    @Override
    public String toString() {
        return "Trajectory[" + x.length + " steps of " + dt + " s]";
    }
}
