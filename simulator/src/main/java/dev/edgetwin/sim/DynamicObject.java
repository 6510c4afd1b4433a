package dev.edgetwin.sim;

/** A moving (or parked) object of the scene: its fixed shape and its trajectory. */
record DynamicObject(
        int id,
        ObjectClass objectClass,
        double length,
        double width,
        double height,
        Trajectory trajectory) {

    SimObject at(double t) {
        double[] m = new double[5];
        trajectory.sample(t, m);
        return new SimObject(id, objectClass, m[0], m[1], m[2], length, width, height, m[3], m[4]);
    }
}
