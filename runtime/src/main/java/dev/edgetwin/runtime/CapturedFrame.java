package dev.edgetwin.runtime;

import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.RobotPose;

/** A camera frame with the robot's pose at its capture time. */
public record CapturedFrame(Frame frame, RobotPose robotPose) {}
