package dev.edgetwin.planner;

/** The robot's pose and its current velocity (robot frame), from odometry. */
public record RobotState(Pose pose, VelocityCommand velocity) {
    public RobotState {
        if (pose == null || velocity == null) {
            throw new IllegalArgumentException("pose and velocity are required");
        }
    }

    public static RobotState at(double x, double y, double theta) {
        return new RobotState(new Pose(x, y, theta), VelocityCommand.STOP);
    }
}
