package dev.edgetwin.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoutePlannerTest {
    /** Reference: Dijkstra on the same graph (8-connected, no corner cutting), length in cells. */
    private static double dijkstra(boolean[] blocked, int w, int h, int start, int goal) {
        double[] dist = new double[w * h];
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
        dist[start] = 0;
        PriorityQueue<double[]> q = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        q.add(new double[] {0, start});
        while (!q.isEmpty()) {
            double[] e = q.poll();
            int c = (int) e[1];
            if (e[0] > dist[c]) {
                continue;
            }
            int col = c % w;
            int row = c / w;
            for (int dr = -1; dr <= 1; dr++) {
                for (int dc = -1; dc <= 1; dc++) {
                    int nc = col + dc;
                    int nr = row + dr;
                    if ((dr == 0 && dc == 0) || nc < 0 || nr < 0 || nc >= w || nr >= h) {
                        continue;
                    }
                    int n = nr * w + nc;
                    if (blocked[n]) {
                        continue;
                    }
                    if (dr != 0 && dc != 0 && (blocked[row * w + nc] || blocked[nr * w + col])) {
                        continue;
                    }
                    double d = dist[c] + (dr != 0 && dc != 0 ? Math.sqrt(2) : 1);
                    if (d < dist[n]) {
                        dist[n] = d;
                        q.add(new double[] {d, n});
                    }
                }
            }
        }
        return dist[goal];
    }

    @Test
    void aStarFindsTheOptimalLengthOnRandomGrids() {
        Random random = new Random(8);
        int found = 0;
        for (int trial = 0; trial < 200; trial++) {
            int w = 5 + random.nextInt(25);
            int h = 5 + random.nextInt(25);
            boolean[] occ = new boolean[w * h];
            for (int i = 0; i < occ.length; i++) {
                occ[i] = random.nextDouble() < 0.3;
            }
            int start = random.nextInt(w * h);
            int goal = random.nextInt(w * h);
            occ[start] = false;
            occ[goal] = false;
            StaticMap map = StaticMap.of(w, h, 1.0, 0, 0, occ);
            // Inflation of a quarter cell: occupied cells (clearance 0) block, free ones do not.
            RoutePlanner planner = new RoutePlanner(map, 0.25, 0.2, 5);
            Pose s = new Pose(start % w + 0.5, start / w + 0.5, 0);
            Pose g = new Pose(goal % w + 0.5, goal / w + 0.5, 0);
            Optional<Route> route = planner.plan(s, g);
            double reference = dijkstra(occ, w, h, start, goal);
            if (Double.isInfinite(reference)) {
                assertTrue(route.isEmpty(), "trial " + trial + ": no path exists");
                continue;
            }
            found++;
            assertTrue(route.isPresent(), "trial " + trial);
            assertEquals(reference, route.get().length(), 1e-9, "trial " + trial);
            Route r = route.get();
            for (int i = 0; i < r.size(); i++) {
                assertFalse(map.occupied(map.col(r.x(i)), map.row(r.y(i))), "on a free cell");
            }
            assertEquals(s.x(), r.x(0));
            assertEquals(g.y(), r.goalY());
        }
        assertTrue(found > 100, "most random grids have a path: " + found);
    }

    @Test
    void aBlockedRouteIsReplannedAroundTheObject() {
        StaticMap map = Worlds.corridor(12, 3.0);
        RobotConfig robot = RobotConfig.defaults();
        RoutePlanner planner = new RoutePlanner(map, robot.boundingRadius() + 0.05, 0.2, 6);
        double y = Worlds.centre(3.0);
        Pose start = new Pose(1, y, 0);
        Pose goal = new Pose(11, y, 0);
        Route straight = planner.plan(start, goal).orElseThrow();
        assertEquals(10.0, straight.length(), 0.11);

        Track box = Track.of("box-1", ObstacleClass.BOX, 4, y, 0, 0, 0.3, 0.02);
        WorldSnapshot world = new WorldSnapshot(0, List.of(box));
        assertTrue(planner.blocked(straight, world));
        // A person in the lane does not block the route (people move; MPPI handles them).
        Track person = Track.of("p", ObstacleClass.PERSON, 4, y, 0, 0, 0.25, 0.02);
        assertFalse(planner.blocked(straight, new WorldSnapshot(0, List.of(person))));
        // Neither does a box beyond the lookahead.
        Track far = Track.of("box-2", ObstacleClass.BOX, 10, y, 0, 0, 0.3, 0.02);
        assertFalse(planner.blocked(straight, new WorldSnapshot(0, List.of(far))));

        Route detour = planner.plan(start, goal, world).orElseThrow();
        assertFalse(planner.blocked(detour, world));
        assertTrue(detour.length() > straight.length());
        for (int i = 0; i < detour.size(); i++) {
            double d = Math.hypot(detour.x(i) - 4, detour.y(i) - y);
            assertTrue(d >= 0.3 + robot.boundingRadius(), "waypoint " + i + " keeps clear: " + d);
        }

        // A box across the whole corridor: no route.
        Track wall = Track.of("pallet", ObstacleClass.BOX, 4, y, 0, 0, 1.6, 0.02);
        assertTrue(planner.plan(start, goal, new WorldSnapshot(0, List.of(wall))).isEmpty());
    }

    @Test
    void aRobotStandingInsideAnObjectsStampStillGetsARouteOutAndRound() {
        StaticMap map = Worlds.corridor(12, 3.0);
        RobotConfig robot = RobotConfig.defaults();
        double inflation = robot.boundingRadius() + 0.1;
        RoutePlanner planner = new RoutePlanner(map, inflation, 0.2, 6);
        double y = Worlds.centre(3.0);
        // The box's stamp (0.3 + 0.5 m) covers the robot, 0.7 m from the box's centre.
        Track box = Track.of("box", ObstacleClass.BOX, 5, y, 0, 0, 0.3, 0.02);
        WorldSnapshot world = new WorldSnapshot(0, List.of(box));
        Optional<Route> r = planner.plan(new Pose(4.3, y, 0), new Pose(10, y, 0), world);
        assertTrue(r.isPresent(), "a route out of the stamp and round the box");
        // A row of boxes across the corridor: no way, even from inside a stamp.
        WorldSnapshot wall =
                new WorldSnapshot(
                        0,
                        List.of(
                                Track.of("a", ObstacleClass.BOX, 5, y - 1.0, 0, 0, 0.3, 0.02),
                                Track.of("b", ObstacleClass.BOX, 5, y, 0, 0, 0.3, 0.02),
                                Track.of("c", ObstacleClass.BOX, 5, y + 1.0, 0, 0, 0.3, 0.02)));
        assertFalse(planner.plan(new Pose(4.3, y, 0), new Pose(10, y, 0), wall).isPresent());
        assertTrue(planner.plan(new Pose(4.3, y, 0), new Pose(10, y, 0)).isPresent());
    }
}
