package dev.edgetwin.runtime.scenario;

import dev.edgetwin.planner.RobotConfig;
import dev.edgetwin.planner.Route;
import dev.edgetwin.planner.Trajectory;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.sim.Shelf;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * An episode drawn from above, for a person to look at: the hall's shelves, the robot's path, the
 * route, the trajectories the planner chose (every half second faintly, the key cycle's boldly),
 * every object's true path over time (darker = later) and, at the key cycle (the reaction for a
 * falling box, else the closest approach), the objects, the tracks the planner had, and the robot.
 */
final class EpisodeImage {
    private static final double PX_PER_METRE = 40;
    private static final double MARGIN_METRES = 2.5;

    private EpisodeImage() {}

    static void write(
            EpisodeSetup setup,
            EpisodeResult result,
            EpisodeTrace trace,
            RobotConfig robot,
            Path file)
            throws IOException {
        FactoryScene scene =
                FactoryScene.scripted(setup.seed(), setup.start(), setup.extraShelves(), List.of());
        double[] box = {setup.start().x(), setup.start().y(), setup.goal().x(), setup.goal().y()};
        double minX = Math.min(box[0], box[2]);
        double maxX = Math.max(box[0], box[2]);
        double minY = Math.min(box[1], box[3]);
        double maxY = Math.max(box[1], box[3]);
        for (EpisodeTrace.CycleSample c : trace.cycles) {
            minX = Math.min(minX, c.x());
            maxX = Math.max(maxX, c.x());
            minY = Math.min(minY, c.y());
            maxY = Math.max(maxY, c.y());
        }
        minX = Math.max(0, minX - MARGIN_METRES);
        maxX = Math.min(FactoryScene.hallLength(), maxX + MARGIN_METRES + 2);
        minY = Math.max(0, Math.min(minY, 7.5) - MARGIN_METRES);
        maxY = Math.min(FactoryScene.hallWidth(), Math.max(maxY, 12.5) + MARGIN_METRES);
        int width = (int) Math.ceil((maxX - minX) * PX_PER_METRE);
        int height = (int) Math.ceil((maxY - minY) * PX_PER_METRE) + 40;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            View v = new View(minX, maxY);
            g.setColor(new Color(150, 150, 155));
            for (Shelf s : scene.shelves()) {
                g.fill(
                        new Rectangle2D.Double(
                                v.px(s.x0()),
                                v.py(s.y1()),
                                (s.x1() - s.x0()) * PX_PER_METRE,
                                (s.y1() - s.y0()) * PX_PER_METRE));
            }
            int key = trace.keyCycle >= 0 ? trace.keyCycle : trace.cycles.size() - 1;
            EpisodeTrace.CycleSample at = key >= 0 ? trace.cycles.get(key) : null;
            // The route in use at the key cycle (or the last one).
            Route route = null;
            for (int i = Math.max(key, 0); i >= 0 && i < trace.cycles.size(); i--) {
                if (trace.cycles.get(i).route() != null) {
                    route = trace.cycles.get(i).route();
                    break;
                }
            }
            if (route != null) {
                g.setColor(new Color(120, 170, 255));
                g.setStroke(new BasicStroke(3f));
                Path2D.Double p = new Path2D.Double();
                for (int i = 0; i < route.size(); i++) {
                    if (i == 0) {
                        p.moveTo(v.px(route.x(i)), v.py(route.y(i)));
                    } else {
                        p.lineTo(v.px(route.x(i)), v.py(route.y(i)));
                    }
                }
                g.draw(p);
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(new Color(60, 180, 90, 90));
            for (int i = 0; i < trace.cycles.size(); i += 5) {
                drawTrajectory(g, v, trace.cycles.get(i).chosen());
            }
            // Objects over time: darker is later.
            int n = trace.objects.size();
            for (int i = 0; i < n; i++) {
                float age = n <= 1 ? 1f : (float) i / (n - 1);
                for (EpisodeTrace.ObjectSample o : trace.objects.get(i)) {
                    Color c = colour(o.objectClass());
                    g.setColor(
                            new Color(
                                    c.getRed(), c.getGreen(), c.getBlue(), (int) (40 + 150 * age)));
                    double r = 0.06;
                    g.fill(
                            new Ellipse2D.Double(
                                    v.px(o.x() - r),
                                    v.py(o.y() + r),
                                    2 * r * PX_PER_METRE,
                                    2 * r * PX_PER_METRE));
                }
            }
            // The robot's path.
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(2f));
            for (int i = 1; i < trace.cycles.size(); i++) {
                EpisodeTrace.CycleSample a = trace.cycles.get(i - 1);
                EpisodeTrace.CycleSample b = trace.cycles.get(i);
                g.draw(new Line2D.Double(v.px(a.x()), v.py(a.y()), v.px(b.x()), v.py(b.y())));
            }
            if (at != null) {
                for (EpisodeTrace.ObjectSample o : trace.objects.get(key)) {
                    g.setColor(colour(o.objectClass()));
                    g.fill(circle(v, o.x(), o.y(), o.radius()));
                }
                g.setColor(Color.RED);
                g.setStroke(new BasicStroke(1.5f));
                double[] tracks = trace.tracksPerCycle.get(key);
                for (int i = 0; i + 3 < tracks.length; i += 4) {
                    g.draw(circle(v, tracks[i], tracks[i + 1], tracks[i + 2]));
                }
                g.setColor(new Color(20, 140, 60));
                g.setStroke(new BasicStroke(3f));
                drawTrajectory(g, v, at.chosen());
                g.setColor(new Color(30, 30, 30));
                g.setStroke(new BasicStroke(2f));
                double c = Math.cos(at.yaw());
                double s = Math.sin(at.yaw());
                for (RobotConfig.Circle fc : robot.footprint()) {
                    g.draw(
                            circle(
                                    v,
                                    at.x() + c * fc.x() - s * fc.y(),
                                    at.y() + s * fc.x() + c * fc.y(),
                                    fc.radius()));
                }
            }
            g.setColor(Color.RED);
            g.setStroke(new BasicStroke(3f));
            double gx = v.px(setup.goal().x());
            double gy = v.py(setup.goal().y());
            g.draw(new Line2D.Double(gx - 8, gy - 8, gx + 8, gy + 8));
            g.draw(new Line2D.Double(gx - 8, gy + 8, gx + 8, gy - 8));
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString(
                    String.format(
                            "%s seed %d: %s%s; key cycle at %.1f s",
                            setup.scenario().label(),
                            setup.seed(),
                            result.outcome(),
                            Double.isNaN(result.reactionSeconds())
                                    ? ""
                                    : String.format(", reaction %.2f s", result.reactionSeconds()),
                            at == null ? 0 : at.t()),
                    8,
                    height - 22);
            g.drawString(
                    "grey shelves, blue route, green chosen trajectories (bold: key cycle), dots:"
                            + " objects over time (yellow person, brown box, blue robot), red"
                            + " rings: tracks",
                    8,
                    height - 6);
        } finally {
            g.dispose();
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        if (!ImageIO.write(image, "png", tmp.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void drawTrajectory(Graphics2D g, View v, Trajectory t) {
        if (t == null) {
            return;
        }
        double[] x = t.x();
        double[] y = t.y();
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < x.length; i++) {
            if (i == 0) {
                p.moveTo(v.px(x[i]), v.py(y[i]));
            } else {
                p.lineTo(v.px(x[i]), v.py(y[i]));
            }
        }
        g.draw(p);
    }

    private static Ellipse2D circle(View v, double x, double y, double r) {
        return new Ellipse2D.Double(
                v.px(x - r), v.py(y + r), 2 * r * PX_PER_METRE, 2 * r * PX_PER_METRE);
    }

    private static Color colour(ObjectClass c) {
        return switch (c) {
            case PERSON -> new Color(215, 190, 0);
            case BOX -> new Color(165, 110, 55);
            case ROBOT -> new Color(40, 90, 220);
        };
    }

    /** Floor metres to image pixels: x right, y up. */
    private record View(double minX, double maxY) {
        double px(double x) {
            return (x - minX) * PX_PER_METRE;
        }

        double py(double y) {
            return (maxY - y) * PX_PER_METRE;
        }
    }
}
