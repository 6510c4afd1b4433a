package dev.edgetwin.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.tinylog.Logger;

/**
 * The MPPI optimiser: K control sequences of T steps sampled around the warm-started mean (Gaussian
 * noise from a pool drawn once from the seed, clamped to the velocity and acceleration limits),
 * plus the {@link SeededCandidate}s; rolled out through the {@link MotionModel} into flat
 * struct-of-arrays buffers; scored by the analytic critics per candidate (and the learned critic on
 * the best M); softmax-weighted with a temperature into a new mean, smoothed, and rolled out once
 * more. The mean wins unless a sample costs less (e.g. the mean of a left and a right bypass runs
 * into the box between them); the winner warm-starts the next cycle.
 *
 * <p>Threads: {@link #optimize} is called by one thread at a time; it spreads the candidates over a
 * fixed pool in fixed chunks of {@value #CHUNK}, and sums the softmax chunk by chunk in index
 * order, so the result does not depend on the number of threads. Nothing is allocated per
 * candidate; a cycle allocates only its summary and a few small objects for the hand-offs.
 */
final class MppiOptimizer implements AutoCloseable {
    static final int MAX_TRACKS = 32;

    /** Objects at least this fast (m/s) also get a standing copy: they may stop. */
    static final double MAY_STOP_SPEED = 0.1;

    static final int CHUNK = 64;
    private static final int NOISE_POOL = 1 << 20;
    private static final int NC = Critic.values().length;
    private static final int SEEDS = SeededCandidate.values().length;
    private static final int FIRST_NOISY = 1 + SEEDS;
    private static final float FAR = 10f;
    private static final int ALTERNATIVES = 5;

    private final MppiConfig cfg;
    private final CriticWeights weights;
    private final ObstacleConfig obstacleCfg;
    private final MotionModel model;
    private final RobotConfig robot;
    private final int k;
    private final int steps;
    private final double dt;
    private final int delaySteps;

    // Footprint.
    private final int circles;
    private final float[] fpX;
    private final float[] fpY;
    private final float[] fpR;
    private final float boundR;

    // Map.
    private final float[] clearance;
    private final int mw;
    private final int mh;
    private final float mapX;
    private final float mapY;
    private final float invRes;
    private final float cellSlack;

    // Limits as floats for the sampling loop; per-step acceleration limits.
    private final float minVx;
    private final float maxVx;
    private final float maxVy;
    private final float maxWz;
    private final float accX;
    private final float accY;
    private final float accW;

    // Route field.
    private Route route;
    private final float[] routeDist;
    private final float[] routeS;
    private float routeLength;
    private float goalX;
    private float goalY;

    // Candidates: rows 0..K-1 sampled, row K the new mean. Flat [row * T + t].
    final float[] cmdVx;
    final float[] cmdVy;
    final float[] cmdWz;
    final float[] rx;
    final float[] ry;
    final float[] rc;
    final float[] rs;
    final float[] rv;
    final float[] cost;
    final float[] criticCost; // [critic * (K + 1) + row]
    final int[] firstCollision;

    private final float[] meanVx;
    private final float[] meanVy;
    private final float[] meanWz;
    private final float[] tmp;
    private final float[] noise;

    // Dynamic obstacles predicted per step: [t * MAX_TRACKS + j].
    private int tracks;
    private final float[] predX;
    private final float[] predY;
    private final float[] predInflate;
    private final float[] obsRadius = new float[MAX_TRACKS];
    private final boolean[] obsPerson = new boolean[MAX_TRACKS];

    /** Whether entry j is the standing copy of a moving object (not a separate object). */
    private final boolean[] obsCopy = new boolean[MAX_TRACKS];

    private final float[] obsReach = new float[MAX_TRACKS];

    // Per-cycle start state.
    private double x0;
    private double y0;
    private double th0;
    private double vx0;
    private double vy0;
    private double wz0;
    private double lastVx;
    private double lastVy;
    private double lastWz;
    private boolean hasLast;
    private long cycle;
    private long lastNanos;
    private double shiftCarry;

    // Softmax.
    private final int chunks;
    private final double[] chunkW;
    private final double[] chunkSum;
    private float beta;
    private final long[] sortKeys;

    // Threads.
    private final ExecutorService pool;
    private final int workers;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private volatile IntConsumer task;
    private volatile Throwable workerFailure;
    private final IntConsumer evaluateChunk = this::evaluateChunk;
    private final IntConsumer softmaxChunk = this::softmaxChunk;

    // Learned critic.
    private final BatchCritic learned;
    private final ExecutorService learnedThread;
    private final TrajectoryBatch batch;
    private final float[] risk;
    private final int[] batchRows;
    private Future<?> pending;
    private LearnedCriticStatus lastLearnedStatus = LearnedCriticStatus.NONE;
    private final long[] learnedCounts = new long[LearnedCriticStatus.values().length];

    MppiOptimizer(
            StaticMap map,
            RobotConfig robot,
            MppiConfig cfg,
            CriticWeights weights,
            ObstacleConfig obstacleCfg,
            BatchCritic learned) {
        this.cfg = cfg;
        this.weights = weights;
        this.obstacleCfg = obstacleCfg;
        this.robot = robot;
        this.model = new MotionModel(robot);
        this.k = cfg.samples();
        this.steps = cfg.steps();
        this.dt = cfg.dt();
        this.delaySteps = model.delaySteps(dt);
        circles = robot.footprint().size();
        fpX = new float[circles];
        fpY = new float[circles];
        fpR = new float[circles];
        for (int i = 0; i < circles; i++) {
            RobotConfig.Circle c = robot.footprint().get(i);
            fpX[i] = (float) c.x();
            fpY[i] = (float) c.y();
            fpR[i] = (float) c.radius();
        }
        boundR = (float) robot.boundingRadius();
        clearance = map.clearanceField();
        mw = map.width();
        mh = map.height();
        mapX = (float) map.originX();
        mapY = (float) map.originY();
        invRes = (float) (1.0 / map.resolution());
        cellSlack = (float) (1.5 * map.resolution());
        minVx = (float) robot.minVx();
        maxVx = (float) robot.maxVx();
        maxVy = robot.drive() == RobotConfig.Drive.OMNIDIRECTIONAL ? (float) robot.maxVy() : 0f;
        maxWz = (float) robot.maxWz();
        accX = (float) (robot.accVx() * cfg.dt());
        accY = (float) (robot.accVy() * cfg.dt());
        accW = (float) (robot.accWz() * cfg.dt());
        routeDist = new float[mw * mh];
        routeS = new float[mw * mh];
        int rows = k + 1;
        cmdVx = new float[rows * steps];
        cmdVy = new float[rows * steps];
        cmdWz = new float[rows * steps];
        rx = new float[rows * steps];
        ry = new float[rows * steps];
        rc = new float[rows * steps];
        rs = new float[rows * steps];
        rv = new float[rows * steps];
        cost = new float[rows];
        criticCost = new float[NC * rows];
        firstCollision = new int[rows];
        meanVx = new float[steps];
        meanVy = new float[steps];
        meanWz = new float[steps];
        tmp = new float[steps];
        noise = new float[NOISE_POOL];
        Random random = new Random(cfg.seed());
        for (int i = 0; i < NOISE_POOL; i++) {
            noise[i] = (float) random.nextGaussian();
        }
        predX = new float[steps * MAX_TRACKS];
        predY = new float[steps * MAX_TRACKS];
        predInflate = new float[steps * MAX_TRACKS];
        chunks = (k + CHUNK - 1) / CHUNK;
        chunkW = new double[chunks];
        chunkSum = new double[chunks * 3 * steps];
        sortKeys = new long[k];
        workers = cfg.threads() - 1;
        if (workers > 0) {
            AtomicInteger n = new AtomicInteger();
            pool =
                    Executors.newFixedThreadPool(
                            workers,
                            r -> {
                                Thread t = new Thread(r, "planner-rollout-" + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
        } else {
            pool = null;
        }
        this.learned = learned;
        if (learned != null) {
            int m = Math.min(cfg.learnedCandidates(), learned.maxCandidates());
            batch = new TrajectoryBatch(m, steps, dt);
            risk = new float[m];
            batchRows = new int[m];
            learnedThread =
                    Executors.newSingleThreadExecutor(
                            r -> {
                                Thread t = new Thread(r, "planner-learned-critic");
                                t.setDaemon(true);
                                return t;
                            });
        } else {
            batch = null;
            risk = null;
            batchRows = null;
            learnedThread = null;
        }
    }

    int samples() {
        return k;
    }

    /** How many cycles ended with this learned-critic outcome (for benchmarks and tests). */
    long learnedCount(LearnedCriticStatus status) {
        return learnedCounts[status.ordinal()];
    }

    int steps() {
        return steps;
    }

    /** Sets the route the progress and alignment critics follow; a new route rebuilds the field. */
    void setRoute(Route r) {
        if (r == route) {
            return;
        }
        route = r;
        boolean[] sites = new boolean[mw * mh];
        int[] waypointOfCell = new int[mw * mh];
        Arrays.fill(waypointOfCell, -1);
        for (int i = 0; i < r.size(); i++) {
            int col = (int) Math.floor((r.x(i) - mapX) * invRes);
            int row = (int) Math.floor((r.y(i) - mapY) * invRes);
            if (col >= 0 && row >= 0 && col < mw && row < mh) {
                int cell = row * mw + col;
                sites[cell] = true;
                if (waypointOfCell[cell] < 0) {
                    waypointOfCell[cell] = i;
                }
            }
        }
        float[] d2 = new float[mw * mh];
        int[] nearest = new int[mw * mh];
        EuclideanDistance.transform(sites, mw, mh, d2, nearest);
        float res = 1f / invRes;
        for (int i = 0; i < d2.length; i++) {
            if (nearest[i] < 0) {
                routeDist[i] = FAR;
                routeS[i] = 0;
            } else {
                routeDist[i] = (float) Math.min(FAR, Math.sqrt(d2[i]) * res);
                routeS[i] = (float) r.arcLength(waypointOfCell[nearest[i]]);
            }
        }
        routeLength = (float) r.length();
        goalX = (float) r.goalX();
        goalY = (float) r.goalY();
    }

    /** One optimisation cycle. */
    PlanSummary optimize(RobotState state, WorldSnapshot world, long nowNanos) {
        if (route == null) {
            throw new IllegalStateException("no route set");
        }
        cycle++;
        Pose p = state.pose();
        x0 = p.x();
        y0 = p.y();
        th0 = p.theta();
        vx0 = state.velocity().vx();
        vy0 = state.velocity().vy();
        wz0 = state.velocity().wz();
        if (!hasLast) {
            lastVx = vx0;
            lastVy = vy0;
            lastWz = wz0;
            lastNanos = nowNanos;
        }
        warmStartShift(nowNanos);
        predictObstacles(world, nowNanos);

        parallel(evaluateChunk);

        LearnedCriticStatus learnedStatus = runLearned();

        int best = 0;
        for (int i = 1; i < k; i++) {
            if (cost[i] < cost[best]) {
                best = i;
            }
        }
        beta = cost[best];
        parallel(softmaxChunk);
        double totalW = 0;
        for (int c = 0; c < chunks; c++) {
            totalW += chunkW[c];
        }
        int meanRow = k * steps;
        for (int t = 0; t < steps; t++) {
            double sx = 0;
            double sy = 0;
            double sw = 0;
            for (int c = 0; c < chunks; c++) {
                int o = c * 3 * steps;
                sx += chunkSum[o + t];
                sy += chunkSum[o + steps + t];
                sw += chunkSum[o + 2 * steps + t];
            }
            cmdVx[meanRow + t] = (float) (sx / totalW);
            cmdVy[meanRow + t] = (float) (sy / totalW);
            cmdWz[meanRow + t] = (float) (sw / totalW);
        }
        if (cfg.smoothing()) {
            smooth(cmdVx, meanRow);
            smooth(cmdVy, meanRow);
            smooth(cmdWz, meanRow);
        }
        constrain(k);
        evaluate(k);
        if (learnedStatus == LearnedCriticStatus.RAN) {
            // The mean is scored with the highest risk seen: it was not in the learned batch.
            float add = (float) (cfg.learnedWeight() * maxRisk);
            criticCost[Critic.LEARNED.ordinal() * (k + 1) + k] = add;
            cost[k] += add;
        }
        double bestWeight =
                1.0 / totalW; // the best sample's share of the softmax (its weight is 1)

        int chosen = cost[k] <= cost[best] ? k : best;
        boolean collisionFree = firstCollision[chosen] < 0;
        Optional<SeededCandidate> seeded = Optional.empty();
        String reason;
        if (chosen == k) {
            reason =
                    String.format(
                            "softmax mean of %d samples (cost %.3f <= best sample's %.3f)",
                            k, cost[k], cost[best]);
            if (seededOf(best).isPresent() && bestWeight > 0.5) {
                seeded = seededOf(best);
                reason += "; seeded " + seeded.get() + " dominates the mean";
            }
        } else {
            seeded = seededOf(best);
            reason =
                    String.format(
                            "best sample %d%s (cost %.3f < mean's %.3f%s)",
                            best,
                            seeded.map(s -> " = seeded " + s).orElse(""),
                            cost[best],
                            cost[k],
                            firstCollision[k] >= 0 ? ", the mean collides" : "");
        }
        VelocityCommand command;
        if (!collisionFree) {
            command = VelocityCommand.STOP;
            reason =
                    "every candidate collides within the horizon; stop (least bad: " + reason + ")";
        } else {
            int o = chosen * steps;
            command = new VelocityCommand(cmdVx[o], cmdVy[o], cmdWz[o]);
        }
        // Warm start from the winner.
        int o = chosen * steps;
        System.arraycopy(cmdVx, o, meanVx, 0, steps);
        System.arraycopy(cmdVy, o, meanVy, 0, steps);
        System.arraycopy(cmdWz, o, meanWz, 0, steps);
        lastVx = command.vx();
        lastVy = command.vy();
        lastWz = command.wz();
        hasLast = true;
        return summary(chosen, command, seeded, reason, learnedStatus, collisionFree);
    }

    private Optional<SeededCandidate> seededOf(int row) {
        if (row >= 1 && row < FIRST_NOISY) {
            return Optional.of(SeededCandidate.values()[row - 1]);
        }
        return Optional.empty();
    }

    private PlanSummary summary(
            int chosen,
            VelocityCommand command,
            Optional<SeededCandidate> seeded,
            String reason,
            LearnedCriticStatus learnedStatus,
            boolean collisionFree) {
        int o = chosen * steps;
        double[] tx = new double[steps];
        double[] ty = new double[steps];
        double[] th = new double[steps];
        double[] sp = new double[steps];
        for (int t = 0; t < steps; t++) {
            tx[t] = rx[o + t];
            ty[t] = ry[o + t];
            th[t] = Math.atan2(rs[o + t], rc[o + t]);
            sp[t] = rv[o + t];
        }
        Map<Critic, Double> breakdown = new EnumMap<>(Critic.class);
        for (Critic c : Critic.values()) {
            breakdown.put(c, (double) criticCost[c.ordinal() * (k + 1) + chosen]);
        }
        List<PlanSummary.Alternative> alternatives = new ArrayList<>(ALTERNATIVES);
        int[] picked = new int[ALTERNATIVES];
        int n = 0;
        for (int a = 0; a < ALTERNATIVES; a++) {
            int bi = -1;
            for (int i = 0; i < k; i++) {
                boolean used = false;
                for (int j = 0; j < n; j++) {
                    used |= picked[j] == i;
                }
                if (!used && (bi < 0 || cost[i] < cost[bi])) {
                    bi = i;
                }
            }
            picked[n++] = bi;
            int bo = bi * steps;
            alternatives.add(
                    new PlanSummary.Alternative(
                            bi,
                            cost[bi],
                            seededOf(bi),
                            new VelocityCommand(cmdVx[bo], cmdVy[bo], cmdWz[bo]),
                            firstCollision[bi] >= 0));
        }
        return new PlanSummary(
                command,
                new Trajectory(dt, tx, ty, th, sp),
                cost[chosen],
                breakdown,
                alternatives,
                seeded,
                reason,
                learnedStatus,
                collisionFree);
    }

    // ---- warm start and sampling ----

    private void warmStartShift(long nowNanos) {
        double elapsed = (nowNanos - lastNanos) / 1e9 / dt + shiftCarry;
        lastNanos = nowNanos;
        int shift = (int) Math.floor(Math.max(0, elapsed));
        shiftCarry = Math.max(0, elapsed) - shift;
        shift = Math.min(shift, steps);
        if (shift == 0) {
            return;
        }
        for (float[] m : new float[][] {meanVx, meanVy, meanWz}) {
            System.arraycopy(m, shift, m, 0, steps - shift);
            Arrays.fill(m, steps - shift, steps, m[Math.max(0, steps - shift - 1)]);
        }
    }

    private void sample(int row) {
        int o = row * steps;
        if (row == 0) {
            System.arraycopy(meanVx, 0, cmdVx, o, steps);
            System.arraycopy(meanVy, 0, cmdVy, o, steps);
            System.arraycopy(meanWz, 0, cmdWz, o, steps);
        } else if (row < FIRST_NOISY) {
            seed(SeededCandidate.values()[row - 1], o);
        } else {
            long h = mix(cfg.seed() ^ mix(cycle * 0x9E3779B97F4A7C15L + row));
            int span = NOISE_POOL - steps;
            int ox = (int) Long.remainderUnsigned(h, span);
            h = mix(h);
            int oy = (int) Long.remainderUnsigned(h, span);
            h = mix(h);
            int ow = (int) Long.remainderUnsigned(h, span);
            float sx = (float) cfg.noiseVx();
            float sy = (float) cfg.noiseVy();
            float sw = (float) cfg.noiseWz();
            for (int t = 0; t < steps; t++) {
                cmdVx[o + t] = meanVx[t] + sx * noise[ox + t];
                cmdVy[o + t] = meanVy[t] + sy * noise[oy + t];
                cmdWz[o + t] = meanWz[t] + sw * noise[ow + t];
            }
        }
        constrain(o / steps);
    }

    private void seed(SeededCandidate s, int o) {
        boolean omni = robot.drive() == RobotConfig.Drive.OMNIDIRECTIONAL;
        float third = steps / 3f;
        for (int t = 0; t < steps; t++) {
            float vx = 0;
            float vy = 0;
            float wz = 0;
            switch (s) {
                case STOP -> {}
                case CREEP -> {
                    vx = (float) Math.min(0.15, robot.maxVx());
                    wz = meanWz[t];
                }
                case BYPASS_LEFT, BYPASS_RIGHT -> {
                    float sign = s == SeededCandidate.BYPASS_LEFT ? 1f : -1f;
                    float phase = t < third ? 1f : (t < 2 * third ? 0f : -1f);
                    vx = (float) (0.5 * robot.maxVx());
                    if (omni) {
                        vy = (float) (sign * phase * 0.5 * robot.maxVy());
                    } else {
                        wz = (float) (sign * phase * 0.5 * robot.maxWz());
                    }
                }
                case REVERSE -> vx = (float) (0.5 * robot.minVx());
                case WAIT -> {
                    if (t >= steps / 2) {
                        vx = meanVx[t];
                        vy = meanVy[t];
                        wz = meanWz[t];
                    }
                }
            }
            cmdVx[o + t] = vx;
            cmdVy[o + t] = vy;
            cmdWz[o + t] = wz;
        }
    }

    /** Clamps a row's commands to the velocity limits and the acceleration limits between steps. */
    private void constrain(int row) {
        int o = row * steps;
        float px = (float) lastVx;
        float py = (float) lastVy;
        float pw = (float) lastWz;
        for (int t = 0; t < steps; t++) {
            int i = o + t;
            // Box first, then the step from the previous command (both branch-free).
            float vx = Math.max(minVx, Math.min(maxVx, cmdVx[i]));
            float vy = Math.max(-maxVy, Math.min(maxVy, cmdVy[i]));
            float wz = Math.max(-maxWz, Math.min(maxWz, cmdWz[i]));
            px = Math.max(px - accX, Math.min(px + accX, vx));
            py = Math.max(py - accY, Math.min(py + accY, vy));
            pw = Math.max(pw - accW, Math.min(pw + accW, wz));
            cmdVx[i] = px;
            cmdVy[i] = py;
            cmdWz[i] = pw;
        }
    }

    /** Savitzky-Golay, 5 points, quadratic: (-3, 12, 17, 12, -3) / 35, edges held. */
    private void smooth(float[] a, int o) {
        for (int t = 0; t < steps; t++) {
            float m2 = a[o + Math.max(0, t - 2)];
            float m1 = a[o + Math.max(0, t - 1)];
            float p1 = a[o + Math.min(steps - 1, t + 1)];
            float p2 = a[o + Math.min(steps - 1, t + 2)];
            tmp[t] = (-3f * m2 + 12f * m1 + 17f * a[o + t] + 12f * p1 - 3f * p2) / 35f;
        }
        System.arraycopy(tmp, 0, a, o, steps);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- obstacles ----

    private void predictObstacles(WorldSnapshot world, long nowNanos) {
        double age = Math.max(0, (nowNanos - world.timeNanos()) / 1e9);
        double range =
                boundR + (robot.maxVx() + 2.0) * steps * dt + obstacleCfg.personMargin() + 2.0;
        List<Track> all = world.tracks();
        // The nearest MAX_TRACKS within range (a selection; tracks are few).
        int n = 0;
        Track[] chosen = new Track[MAX_TRACKS];
        double[] dist = new double[MAX_TRACKS];
        for (Track t : all) {
            double d =
                    Math.hypot(t.x() + t.vx() * age - x0, t.y() + t.vy() * age - y0) - t.radius();
            if (d > range + t.speed() * steps * dt) {
                continue;
            }
            if (n < MAX_TRACKS) {
                chosen[n] = t;
                dist[n] = d;
                n++;
            } else {
                int worst = 0;
                for (int i = 1; i < n; i++) {
                    if (dist[i] > dist[worst]) {
                        worst = i;
                    }
                }
                if (d < dist[worst]) {
                    chosen[worst] = t;
                    dist[worst] = d;
                }
            }
        }
        // A moving robot or box may also stop where it is now (a robot ahead parks): its
        // standing copy keeps the robot from driving into its present spot, which a
        // constant-velocity prediction alone lets a follower close up to (and hit when it
        // stops). Not for people: their margin already covers a halt, and a standing copy of a
        // person walking at the robot would pen it in between the two.
        int moving = n;
        for (int j = 0; j < moving && n < MAX_TRACKS; j++) {
            Track tr = chosen[j];
            if (tr.speed() >= MAY_STOP_SPEED && !tr.kind().isPerson()) {
                chosen[n++] =
                        new Track(
                                tr.id(),
                                tr.kind(),
                                tr.x() + tr.vx() * age,
                                tr.y() + tr.vy() * age,
                                0,
                                0,
                                tr.radius(),
                                tr.covXX(),
                                tr.covXY(),
                                tr.covYY());
            }
        }
        tracks = n;
        for (int j = 0; j < n; j++) {
            Track tr = chosen[j];
            obsRadius[j] = (float) tr.radius();
            obsPerson[j] = tr.kind().isPerson();
            obsCopy[j] = j >= moving;
            double margin = obstacleCfg.margin(tr.kind());
            double sig0 = tr.positionSigma();
            double sigV = obstacleCfg.speedSigma(tr.kind());
            float maxInflate = 0;
            for (int t = 0; t < steps; t++) {
                double tau = age + (t + 1) * dt;
                double sigma = Math.sqrt(sig0 * sig0 + sigV * sigV * tau * tau);
                int i = t * MAX_TRACKS + j;
                predX[i] = (float) (tr.x() + tr.vx() * tau);
                predY[i] = (float) (tr.y() + tr.vy() * tau);
                predInflate[i] = (float) (margin + obstacleCfg.sigmaScale() * sigma);
                maxInflate = Math.max(maxInflate, predInflate[i]);
            }
            obsReach[j] = boundR + obsRadius[j] + maxInflate;
        }
    }

    // ---- rollouts and critics ----

    private void evaluateChunk(int chunk) {
        int end = Math.min(k, (chunk + 1) * CHUNK);
        for (int row = chunk * CHUNK; row < end; row++) {
            sample(row);
            evaluate(row);
        }
    }

    /** Rolls out row {@code row} and scores it with the analytic critics. */
    void evaluate(int row) {
        int o = row * steps;
        model.rollout(
                x0,
                y0,
                th0,
                vx0,
                vy0,
                wz0,
                cmdVx,
                cmdVy,
                cmdWz,
                o,
                steps,
                dt,
                delaySteps,
                rx,
                ry,
                rc,
                rs,
                rv,
                o);
        final float wanted = (float) weights.clearanceWanted();
        double clr = 0;
        double ppl = 0;
        double align = 0;
        double smooth = 0;
        double reverse = 0;
        int first = -1;
        double pvx = lastVx;
        double pvy = lastVy;
        double pwz = lastWz;
        for (int t = 0; t < steps; t++) {
            int i = o + t;
            float px = rx[i];
            float py = ry[i];
            float c = rc[i];
            float s = rs[i];
            boolean hit = false;
            // Static obstacles: the clearance field at the centre decides when it is large (the
            // field is 1-Lipschitz up to the cells' size), else at each footprint circle.
            float centre = cellValue(clearance, px, py, 0f) - boundR - cellSlack;
            if (centre < wanted) {
                for (int f = 0; f < circles; f++) {
                    float cx = px + fpX[f] * c - fpY[f] * s;
                    float cy = py + fpX[f] * s + fpY[f] * c;
                    float m = cellValue(clearance, cx, cy, 0f) - fpR[f];
                    if (m < 0) {
                        hit = true;
                    } else if (m < wanted) {
                        clr += wanted - m;
                    }
                }
            }
            // Dynamic obstacles at this step's prediction.
            int pb = t * MAX_TRACKS;
            for (int j = 0; j < tracks; j++) {
                float dx = px - predX[pb + j];
                float dy = py - predY[pb + j];
                float reach = obsReach[j];
                if (dx * dx + dy * dy > reach * reach) {
                    continue;
                }
                float ox = predX[pb + j];
                float oy = predY[pb + j];
                float gap = Float.POSITIVE_INFINITY;
                for (int f = 0; f < circles; f++) {
                    float cx = px + fpX[f] * c - fpY[f] * s - ox;
                    float cy = py + fpX[f] * s + fpY[f] * c - oy;
                    float d = (float) Math.sqrt(cx * cx + cy * cy) - fpR[f] - obsRadius[j];
                    gap = Math.min(gap, d);
                }
                if (gap < 0) {
                    hit = true;
                }
                float inflate = predInflate[pb + j];
                if (gap < inflate) {
                    float depth = (inflate - Math.max(gap, 0f)) / inflate;
                    if (obsPerson[j]) {
                        ppl += depth;
                    } else {
                        clr += depth;
                    }
                }
            }
            if (hit && first < 0) {
                first = t;
            }
            align += cellValue(routeDist, px, py, FAR);
            double ux = cmdVx[i];
            double uy = cmdVy[i];
            double uw = cmdWz[i];
            smooth += (ux - pvx) * (ux - pvx) + (uy - pvy) * (uy - pvy) + (uw - pwz) * (uw - pwz);
            pvx = ux;
            pvy = uy;
            pwz = uw;
            if (ux < 0) {
                reverse -= ux;
            }
        }
        int last = o + steps - 1;
        float ex = rx[last];
        float ey = ry[last];
        double remaining = routeLength - cellValue(routeS, ex, ey, 0f);
        if (remaining < 1.0) {
            remaining += Math.hypot(ex - goalX, ey - goalY);
        }
        int rows = k + 1;
        float cCol =
                first >= 0
                        ? (float) (weights.collision() * (1.0 + (steps - first) / (double) steps))
                        : 0f;
        float cClr = (float) (weights.clearance() * clr * dt);
        float cProg = (float) (weights.progress() * remaining);
        float cAlign = (float) (weights.alignment() * align / steps);
        float cPpl = (float) (weights.people() * ppl * dt);
        float cSmooth = (float) (weights.smoothness() * smooth);
        float cFwd = (float) (weights.preferForward() * reverse * dt);
        criticCost[Critic.COLLISION.ordinal() * rows + row] = cCol;
        criticCost[Critic.CLEARANCE.ordinal() * rows + row] = cClr;
        criticCost[Critic.PROGRESS.ordinal() * rows + row] = cProg;
        criticCost[Critic.ALIGNMENT.ordinal() * rows + row] = cAlign;
        criticCost[Critic.PEOPLE.ordinal() * rows + row] = cPpl;
        criticCost[Critic.SMOOTHNESS.ordinal() * rows + row] = cSmooth;
        criticCost[Critic.PREFER_FORWARD.ordinal() * rows + row] = cFwd;
        criticCost[Critic.LEARNED.ordinal() * rows + row] = 0f;
        cost[row] = cCol + cClr + cProg + cAlign + cPpl + cSmooth + cFwd;
        firstCollision[row] = first;
    }

    private float cellValue(float[] field, float x, float y, float outside) {
        float fx = (x - mapX) * invRes;
        float fy = (y - mapY) * invRes;
        if (!(fx >= 0 && fy >= 0)) {
            return outside;
        }
        int col = (int) fx;
        int row = (int) fy;
        if (col >= mw || row >= mh) {
            return outside;
        }
        return field[row * mw + col];
    }

    private void softmaxChunk(int chunk) {
        int start = chunk * CHUNK;
        int end = Math.min(k, start + CHUNK);
        int so = chunk * 3 * steps;
        Arrays.fill(chunkSum, so, so + 3 * steps, 0.0);
        double sumW = 0;
        double invT = 1.0 / cfg.temperature();
        for (int row = start; row < end; row++) {
            double w = Math.exp(-(cost[row] - beta) * invT);
            if (w == 0) {
                continue;
            }
            sumW += w;
            int o = row * steps;
            for (int t = 0; t < steps; t++) {
                chunkSum[so + t] += w * cmdVx[o + t];
                chunkSum[so + steps + t] += w * cmdVy[o + t];
                chunkSum[so + 2 * steps + t] += w * cmdWz[o + t];
            }
        }
        chunkW[chunk] = sumW;
    }

    // ---- learned critic ----

    private double maxRisk;

    private LearnedCriticStatus runLearned() {
        maxRisk = 0;
        if (learned == null) {
            return LearnedCriticStatus.NONE;
        }
        LearnedCriticStatus status;
        if (pending != null && !pending.isDone()) {
            status = LearnedCriticStatus.BUSY;
        } else if (cfg.learnedDeadline().isZero()) {
            status = LearnedCriticStatus.MISSED_DEADLINE;
        } else {
            int m = fillBatch();
            pending =
                    learnedThread.submit(
                            () -> {
                                learned.score(batch, risk);
                                return null;
                            });
            try {
                pending.get(cfg.learnedDeadline().toNanos(), TimeUnit.NANOSECONDS);
                status = LearnedCriticStatus.RAN;
                applyRisk(m);
            } catch (TimeoutException e) {
                status = LearnedCriticStatus.MISSED_DEADLINE;
            } catch (ExecutionException e) {
                status = LearnedCriticStatus.FAILED;
                if (lastLearnedStatus != LearnedCriticStatus.FAILED) {
                    Logger.warn(e.getCause(), "Learned critic {} failed", learned.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = LearnedCriticStatus.MISSED_DEADLINE;
            }
        }
        // Quiet logs: the first time each outcome happens, then every 1000th time.
        long n = ++learnedCounts[status.ordinal()];
        if (n == 1 || n % 1000 == 0) {
            Logger.info("Learned critic {}: {} ({} cycles so far)", learned.name(), status, n);
        }
        lastLearnedStatus = status;
        return status;
    }

    private int fillBatch() {
        for (int i = 0; i < k; i++) {
            sortKeys[i] = ((long) Float.floatToIntBits(cost[i]) << 32) | i;
        }
        Arrays.sort(sortKeys);
        int m = batch.capacity();
        for (int b = 0; b < m; b++) {
            int row = (int) (sortKeys[b] & 0xffffffffL);
            batchRows[b] = row;
            int o = row * steps;
            int bo = b * steps;
            System.arraycopy(rx, o, batch.x, bo, steps);
            System.arraycopy(ry, o, batch.y, bo, steps);
            System.arraycopy(rc, o, batch.cos, bo, steps);
            System.arraycopy(rs, o, batch.sin, bo, steps);
            System.arraycopy(rv, o, batch.speed, bo, steps);
        }
        batch.setCount(m);
        batch.setRobot(x0, y0, th0);
        batch.clearPeople();
        // People nearest first (the prediction at step 0 minus one step is "now").
        boolean[] used = new boolean[tracks];
        for (int n = 0; n < tracks; n++) {
            int bj = -1;
            double bd = Double.POSITIVE_INFINITY;
            for (int j = 0; j < tracks; j++) {
                if (!used[j] && obsPerson[j] && !obsCopy[j]) {
                    double d = Math.hypot(predX[j] - x0, predY[j] - y0);
                    if (d < bd) {
                        bd = d;
                        bj = j;
                    }
                }
            }
            if (bj < 0) {
                break;
            }
            used[bj] = true;
            double vx = steps > 1 ? (predX[MAX_TRACKS + bj] - predX[bj]) / dt : 0;
            double vy = steps > 1 ? (predY[MAX_TRACKS + bj] - predY[bj]) / dt : 0;
            batch.addPerson(predX[bj] - vx * dt, predY[bj] - vy * dt, vx, vy);
        }
        return m;
    }

    private void applyRisk(int m) {
        int rows = k + 1;
        float w = (float) cfg.learnedWeight();
        float max = 0;
        for (int b = 0; b < m; b++) {
            max = Math.max(max, risk[b]);
        }
        maxRisk = max;
        // Candidates outside the batch get the highest risk seen: they are no better known.
        for (int row = 0; row < k; row++) {
            criticCost[Critic.LEARNED.ordinal() * rows + row] = w * max;
        }
        for (int b = 0; b < m; b++) {
            criticCost[Critic.LEARNED.ordinal() * rows + batchRows[b]] = w * risk[b];
        }
        for (int row = 0; row < k; row++) {
            cost[row] += criticCost[Critic.LEARNED.ordinal() * rows + row];
        }
    }

    // ---- threads ----

    private void parallel(IntConsumer work) {
        if (pool == null) {
            for (int c = 0; c < chunks; c++) {
                work.accept(c);
            }
            return;
        }
        task = work;
        nextChunk.set(0);
        workerFailure = null;
        CountDownLatch done = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            pool.execute(
                    () -> {
                        try {
                            drain();
                        } catch (Throwable e) {
                            workerFailure = e;
                        } finally {
                            done.countDown();
                        }
                    });
        }
        drain();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for rollouts", e);
        }
        Throwable f = workerFailure;
        if (f != null) {
            throw new IllegalStateException("rollout worker failed", f);
        }
    }

    private void drain() {
        IntConsumer work = task;
        int c;
        while ((c = nextChunk.getAndIncrement()) < chunks) {
            work.accept(c);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (learnedThread != null) {
            learnedThread.shutdownNow();
        }
    }
}
