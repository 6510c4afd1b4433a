package dev.edgetwin.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Global routes: A* on the 8-connected grid (octile heuristic, no corner cutting) over the cells
 * whose clearance is at least the inflation radius. Stationary tracked objects (boxes, parked
 * robots; not people, who move) can be stamped into the grid for a re-plan around them.
 */
public final class RoutePlanner {
    /**
     * Metres around the start that object stamps leave free (see {@link #plan(Pose, Pose,
     * WorldSnapshot)}).
     */
    static final double START_RELEASE = 0.35;

    private static final double SQRT2 = Math.sqrt(2.0);

    private final StaticMap map;
    private final double inflation;
    private final double stationarySpeed;
    private final double lookahead;
    private final boolean[] staticBlocked;

    // Search state, reused across calls (a RoutePlanner is used by one thread).
    private final double[] g;
    private final int[] parent;
    private final int[] heapCell;
    private final double[] heapKey;
    private final boolean[] closed;

    /**
     * @param inflation a cell is traversable when its clearance is at least this (m), usually the
     *     robot's bounding radius
     * @param stationarySpeed tracks slower than this (m/s) that are not people block routes
     * @param lookahead how far ahead along a route {@link #blocked} looks (m)
     */
    public RoutePlanner(StaticMap map, double inflation, double stationarySpeed, double lookahead) {
        if (!(inflation >= 0) || !(stationarySpeed >= 0) || !(lookahead > 0)) {
            throw new IllegalArgumentException(
                    "inflation and stationarySpeed must be >= 0 and lookahead > 0, got "
                            + inflation
                            + ", "
                            + stationarySpeed
                            + ", "
                            + lookahead);
        }
        this.map = map;
        this.inflation = inflation;
        this.stationarySpeed = stationarySpeed;
        this.lookahead = lookahead;
        int n = map.width() * map.height();
        staticBlocked = new boolean[n];
        float[] clearance = map.clearanceField();
        for (int i = 0; i < n; i++) {
            staticBlocked[i] = clearance[i] < inflation;
        }
        g = new double[n];
        parent = new int[n];
        heapCell = new int[8 * n + 16];
        heapKey = new double[8 * n + 16];
        closed = new boolean[n];
    }

    public StaticMap map() {
        return map;
    }

    /** A route from the pose to the goal on the static map, or empty when none exists. */
    public Optional<Route> plan(Pose start, Pose goal) {
        return search(start, goal, staticBlocked);
    }

    /** A route that also keeps clear of the world's stationary objects. */
    public Optional<Route> plan(Pose start, Pose goal, WorldSnapshot world) {
        boolean[] blocked = staticBlocked.clone();
        for (Track t : world.tracks()) {
            if (isObstacleForRoutes(t)) {
                stamp(blocked, t.x(), t.y(), t.radius() + inflation);
            }
        }
        // The critics let the robot come closer to an object than routes keep, so it may stand
        // inside a stamp: free the floor around it so that a route can lead out, and "no route"
        // means the objects close the way, not that the robot stands near one.
        release(blocked, start.x(), start.y(), START_RELEASE);
        return search(start, goal, blocked);
    }

    /**
     * Whether the first {@code lookahead} metres of the route pass through a stationary object of
     * the world (its radius plus the inflation) or a cell the static map blocks.
     */
    public boolean blocked(Route route, WorldSnapshot world) {
        return blocked(route, world, route.x(0), route.y(0));
    }

    /**
     * As {@link #blocked(Route, WorldSnapshot)}, looking ahead from the waypoint nearest (x, y).
     */
    public boolean blocked(Route route, WorldSnapshot world, double x, double y) {
        int from = route.nearest(x, y);
        double s0 = route.arcLength(from);
        List<Track> tracks = world.tracks();
        for (int i = from; i < route.size() && route.arcLength(i) - s0 <= lookahead; i++) {
            double px = route.x(i);
            double py = route.y(i);
            if (map.clearanceAt(px, py) < inflation && i > from) {
                return true;
            }
            for (Track t : tracks) {
                if (isObstacleForRoutes(t)) {
                    double r = t.radius() + inflation;
                    double dx = px - t.x();
                    double dy = py - t.y();
                    if (dx * dx + dy * dy < r * r) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The world's objects that routes keep clear of: stationary, and not people. */
    public List<Track> stationaryObjects(WorldSnapshot world) {
        List<Track> out = new ArrayList<>();
        for (Track t : world.tracks()) {
            if (isObstacleForRoutes(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private boolean isObstacleForRoutes(Track t) {
        return !t.kind().isPerson() && t.speed() < stationarySpeed;
    }

    private void release(boolean[] blocked, double cx, double cy, double r) {
        int c0 = map.col(cx - r);
        int c1 = map.col(cx + r);
        int r0 = map.row(cy - r);
        int r1 = map.row(cy + r);
        for (int row = Math.max(0, r0); row <= Math.min(map.height() - 1, r1); row++) {
            for (int col = Math.max(0, c0); col <= Math.min(map.width() - 1, c1); col++) {
                double dx = map.cellCenterX(col) - cx;
                double dy = map.cellCenterY(row) - cy;
                if (dx * dx + dy * dy <= r * r) {
                    int i = row * map.width() + col;
                    blocked[i] = staticBlocked[i];
                }
            }
        }
    }

    private void stamp(boolean[] blocked, double cx, double cy, double r) {
        int c0 = map.col(cx - r);
        int c1 = map.col(cx + r);
        int r0 = map.row(cy - r);
        int r1 = map.row(cy + r);
        for (int row = Math.max(0, r0); row <= Math.min(map.height() - 1, r1); row++) {
            for (int col = Math.max(0, c0); col <= Math.min(map.width() - 1, c1); col++) {
                double dx = map.cellCenterX(col) - cx;
                double dy = map.cellCenterY(row) - cy;
                if (dx * dx + dy * dy < r * r) {
                    blocked[row * map.width() + col] = true;
                }
            }
        }
    }

    private Optional<Route> search(Pose start, Pose goal, boolean[] blocked) {
        int w = map.width();
        int h = map.height();
        int sc = map.col(start.x());
        int sr = map.row(start.y());
        int gc = map.col(goal.x());
        int gr = map.row(goal.y());
        if (sc < 0 || sr < 0 || sc >= w || sr >= h || gc < 0 || gr < 0 || gc >= w || gr >= h) {
            return Optional.empty();
        }
        int startCell = sr * w + sc;
        int goalCell = gr * w + gc;
        if (blocked[goalCell]) {
            return Optional.empty();
        }
        Arrays.fill(g, Double.POSITIVE_INFINITY);
        Arrays.fill(closed, false);
        Arrays.fill(parent, -1);
        g[startCell] = 0;
        int size = 0;
        size = push(size, startCell, octile(sc, sr, gc, gr));
        while (size > 0) {
            int cell = heapCell[0];
            size = pop(size);
            if (closed[cell]) {
                continue;
            }
            closed[cell] = true;
            if (cell == goalCell) {
                break;
            }
            int col = cell % w;
            int row = cell / w;
            for (int dr = -1; dr <= 1; dr++) {
                for (int dc = -1; dc <= 1; dc++) {
                    if (dr == 0 && dc == 0) {
                        continue;
                    }
                    int nc = col + dc;
                    int nr = row + dr;
                    if (nc < 0 || nr < 0 || nc >= w || nr >= h) {
                        continue;
                    }
                    int next = nr * w + nc;
                    if (blocked[next] || closed[next]) {
                        continue;
                    }
                    boolean diagonal = dr != 0 && dc != 0;
                    if (diagonal && (blocked[row * w + nc] || blocked[nr * w + col])) {
                        continue; // no corner cutting
                    }
                    double cost = g[cell] + (diagonal ? SQRT2 : 1.0);
                    if (cost < g[next]) {
                        g[next] = cost;
                        parent[next] = cell;
                        size = push(size, next, cost + octile(nc, nr, gc, gr));
                    }
                }
            }
        }
        if (!closed[goalCell]) {
            return Optional.empty();
        }
        int count = 0;
        for (int c = goalCell; c != -1; c = parent[c]) {
            count++;
        }
        double[] xs = new double[count];
        double[] ys = new double[count];
        int i = count - 1;
        for (int c = goalCell; c != -1; c = parent[c]) {
            xs[i] = map.cellCenterX(c % w);
            ys[i] = map.cellCenterY(c / w);
            i--;
        }
        return Optional.of(new Route(xs, ys));
    }

    /** Grid length of the route in cells (for comparing with a reference search). */
    static double cellLength(Route route, double resolution) {
        return route.length() / resolution;
    }

    private static double octile(int c0, int r0, int c1, int r1) {
        int dx = Math.abs(c1 - c0);
        int dy = Math.abs(r1 - r0);
        return Math.max(dx, dy) + (SQRT2 - 1.0) * Math.min(dx, dy);
    }

    // A binary min-heap with lazy deletion (stale entries are skipped when popped).
    private int push(int size, int cell, double key) {
        int i = size;
        heapCell[i] = cell;
        heapKey[i] = key;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (heapKey[p] <= heapKey[i]) {
                break;
            }
            swap(i, p);
            i = p;
        }
        return size + 1;
    }

    private int pop(int size) {
        size--;
        heapCell[0] = heapCell[size];
        heapKey[0] = heapKey[size];
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int m = i;
            if (l < size && heapKey[l] < heapKey[m]) {
                m = l;
            }
            if (r < size && heapKey[r] < heapKey[m]) {
                m = r;
            }
            if (m == i) {
                return size;
            }
            swap(i, m);
            i = m;
        }
    }

    private void swap(int a, int b) {
        int c = heapCell[a];
        heapCell[a] = heapCell[b];
        heapCell[b] = c;
        double k = heapKey[a];
        heapKey[a] = heapKey[b];
        heapKey[b] = k;
    }
}
