package dev.edgetwin.planner;

/**
 * The candidates handed to a {@link BatchCritic}: for each candidate the robot's state after each
 * optimiser step (map frame), plus the robot's pose now and the people around it (positions already
 * predicted to now). The optimiser fills it on its thread and does not touch it again until the
 * critic has returned; the critic reads it on its own thread. Sized once.
 */
public final class TrajectoryBatch {
    private final int capacity;
    private final int steps;
    private final double dt;
    final float[] x;
    final float[] y;
    final float[] cos;
    final float[] sin;
    final float[] speed;
    private int count;
    private double robotX;
    private double robotY;
    private double robotTheta;
    static final int MAX_PEOPLE = 16;
    final double[] personX = new double[MAX_PEOPLE];
    final double[] personY = new double[MAX_PEOPLE];
    final double[] personVx = new double[MAX_PEOPLE];
    final double[] personVy = new double[MAX_PEOPLE];
    private int people;

    TrajectoryBatch(int capacity, int steps, double dt) {
        this.capacity = capacity;
        this.steps = steps;
        this.dt = dt;
        x = new float[capacity * steps];
        y = new float[capacity * steps];
        cos = new float[capacity * steps];
        sin = new float[capacity * steps];
        speed = new float[capacity * steps];
    }

    /** Candidates in this batch. */
    public int count() {
        return count;
    }

    public int capacity() {
        return capacity;
    }

    /** Steps per candidate; step t is the state at (t + 1) dt from now. */
    public int steps() {
        return steps;
    }

    public double dt() {
        return dt;
    }

    public float x(int candidate, int step) {
        return x[candidate * steps + step];
    }

    public float y(int candidate, int step) {
        return y[candidate * steps + step];
    }

    public double heading(int candidate, int step) {
        int i = candidate * steps + step;
        return Math.atan2(sin[i], cos[i]);
    }

    public float speed(int candidate, int step) {
        return speed[candidate * steps + step];
    }

    public double robotX() {
        return robotX;
    }

    public double robotY() {
        return robotY;
    }

    public double robotTheta() {
        return robotTheta;
    }

    /** People, nearest first, at most {@value #MAX_PEOPLE}. */
    public int people() {
        return people;
    }

    public double personX(int i) {
        return personX[i];
    }

    public double personY(int i) {
        return personY[i];
    }

    public double personVx(int i) {
        return personVx[i];
    }

    public double personVy(int i) {
        return personVy[i];
    }

    void setRobot(double x, double y, double theta) {
        robotX = x;
        robotY = y;
        robotTheta = theta;
    }

    void setCount(int n) {
        count = n;
    }

    void clearPeople() {
        people = 0;
    }

    void addPerson(double x, double y, double vx, double vy) {
        if (people < MAX_PEOPLE) {
            personX[people] = x;
            personY[people] = y;
            personVx[people] = vx;
            personVy[people] = vy;
            people++;
        }
    }

    @Override
    public String toString() {
        return "TrajectoryBatch[" + count + "/" + capacity + " candidates x " + steps + " steps]";
    }
}
