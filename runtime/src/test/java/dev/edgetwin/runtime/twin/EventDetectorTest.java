package dev.edgetwin.runtime.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.edgetwin.vision.RobotPose;
import dev.edgetwin.vision.track.Track;
import dev.edgetwin.vision.track.TrackState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The event rules over hand-made sequences of track lists; time advances 100 ms per update. */
class EventDetectorTest {
    private static final List<String> CLASSES = List.of("person", "box");
    private static final int PERSON = 0;
    private static final int BOX = 1;
    private static final long FRAME = 100_000_000L;

    /** Corridor 1.2 m x 3 m, 0.1 m hysteresis, boxes fall, 0.75 m clear for 2 s. */
    private final EventDetector detector = new EventDetector(EventDetector.Rules.defaults());

    private long now = 1_000_000_000_000L;

    private static Track track(long id, int cls, TrackState state, double x, double y) {
        return new Track(
                id, cls, state, x, y, 0, 0, new double[16], 0.9f, 0, 0, 3, Optional.empty());
    }

    /** One update at the next frame's time; returns its events as "type id". */
    private List<String> step(RobotPose pose, Track... tracks) {
        now += FRAME;
        List<String> out = new ArrayList<>();
        for (TwinEvent e : detector.update(now, pose, List.of(tracks), CLASSES)) {
            assertEquals(now, e.timeNanos());
            out.add(e.type() + " " + e.objectId());
        }
        return out;
    }

    private List<String> step(Track... tracks) {
        return step(RobotPose.ORIGIN, tracks);
    }

    /** Lets the fall rule's look-back fill with an empty floor. */
    private void watchEmptyFloor() {
        for (int i = 0; i < 25; i++) {
            assertEquals(List.of(), step());
        }
    }

    @Test
    void aTrackAppearsOnceWhenConfirmedAndLeavesOnceWhenRemoved() {
        assertEquals(List.of(), step(track(1, PERSON, TrackState.TENTATIVE, 8, 3)));
        assertEquals(List.of(), step(track(1, PERSON, TrackState.TENTATIVE, 8, 3)));
        assertEquals(List.of("appeared 1"), step(track(1, PERSON, TrackState.CONFIRMED, 8, 3)));
        assertEquals(List.of(), step(track(1, PERSON, TrackState.LOST, 8, 3)));
        assertEquals(List.of(), step(track(1, PERSON, TrackState.CONFIRMED, 8, 3)));
        assertEquals(List.of("left 1"), step(track(1, PERSON, TrackState.REMOVED, 8, 3)));
        assertEquals(List.of(), step());
    }

    @Test
    void aTentativeTrackThatIsRemovedNeverAppearsNorLeaves() {
        assertEquals(List.of(), step(track(4, BOX, TrackState.TENTATIVE, 1, 0)));
        assertEquals(List.of(), step(track(4, BOX, TrackState.REMOVED, 1, 0)));
    }

    @Test
    void aTrackTheTrackerStopsReportingLeavesAtItsLastPosition() {
        step(track(2, BOX, TrackState.CONFIRMED, 8, 3));
        List<TwinEvent> events = detector.update(now + FRAME, RobotPose.ORIGIN, List.of(), CLASSES);
        assertEquals(1, events.size());
        assertEquals(new TwinEvent("left", now + FRAME, 2, "box", 8, 3), events.get(0));
    }

    @Test
    void enteringThePathCorridorIsReportedOnceUntilTheTrackIsClearlyOutAgain() {
        watchEmptyFloor();
        // A person walking across in front of the robot at 2 m.
        assertEquals(List.of("appeared 5"), step(track(5, PERSON, TrackState.CONFIRMED, 2, 2)));
        assertEquals(List.of(), step(track(5, PERSON, TrackState.CONFIRMED, 2, 0.7)));
        assertEquals(
                List.of("entered-path 5"), step(track(5, PERSON, TrackState.CONFIRMED, 2, 0.6)));
        assertEquals(List.of(), step(track(5, PERSON, TrackState.CONFIRMED, 2, 0)));
        // Just outside the edge, within the hysteresis: still in the path.
        assertEquals(List.of(), step(track(5, PERSON, TrackState.CONFIRMED, 2, -0.65)));
        assertEquals(List.of(), step(track(5, PERSON, TrackState.CONFIRMED, 2, -0.55)));
        // Clearly out, then back in: a new event.
        assertEquals(List.of(), step(track(5, PERSON, TrackState.CONFIRMED, 2, -0.75)));
        assertEquals(
                List.of("entered-path 5"), step(track(5, PERSON, TrackState.CONFIRMED, 2, -0.5)));
        // Behind the robot and beyond its length are outside.
        assertEquals(
                List.of("left 5", "appeared 6"),
                step(track(6, PERSON, TrackState.CONFIRMED, -0.5, 0)));
        assertEquals(
                List.of("left 6", "appeared 7"),
                step(track(7, PERSON, TrackState.CONFIRMED, 3.05, 0)));
    }

    @Test
    void aLostTracksPredictionDoesNotEnterThePath() {
        watchEmptyFloor();
        step(track(3, PERSON, TrackState.CONFIRMED, 5, 0));
        assertEquals(List.of(), step(track(3, PERSON, TrackState.LOST, 2, 0)));
        assertEquals(List.of("entered-path 3"), step(track(3, PERSON, TrackState.CONFIRMED, 2, 0)));
    }

    @Test
    void theCorridorFollowsTheRobotPose() {
        watchEmptyFloor();
        // Robot at (10, 5) facing +y: 2 m ahead is (10, 7).
        RobotPose facingY = new RobotPose(10, 5, Math.PI / 2);
        assertEquals(
                List.of("appeared 8", "entered-path 8"),
                step(facingY, track(8, PERSON, TrackState.CONFIRMED, 10.2, 7)));
        assertEquals(
                List.of("left 8", "appeared 9"),
                step(facingY, track(9, PERSON, TrackState.CONFIRMED, 12, 5)));
    }

    @Test
    void aBoxAppearingInThePathWhereThereWasNothingIsAFall() {
        watchEmptyFloor();
        step(track(11, BOX, TrackState.TENTATIVE, 1.5, 0.1));
        step(track(11, BOX, TrackState.TENTATIVE, 1.5, 0.1));
        assertEquals(
                List.of("appeared 11", "fall 11", "entered-path 11"),
                step(track(11, BOX, TrackState.CONFIRMED, 1.5, 0.1)));
    }

    @Test
    void aBoxWhereAnotherTrackWasRecentlyIsNotAFall() {
        watchEmptyFloor();
        // A box tracked there, lost for good (removed), then found again under a new id.
        step(track(20, BOX, TrackState.CONFIRMED, 2, 0));
        step(track(20, BOX, TrackState.REMOVED, 2, 0));
        for (int i = 0; i < 10; i++) {
            step();
        }
        assertEquals(
                List.of("appeared 21", "entered-path 21"),
                step(track(21, BOX, TrackState.CONFIRMED, 2.3, 0.2)));
    }

    @Test
    void theLookBackForgetsTracksOlderThanItsWindow() {
        watchEmptyFloor();
        step(track(30, BOX, TrackState.TENTATIVE, 2, 0));
        step(track(30, BOX, TrackState.REMOVED, 2, 0));
        for (int i = 0; i < 21; i++) { // 2.1 s: longer than the 2 s look-back
            step();
        }
        assertEquals(
                List.of("appeared 31", "fall 31", "entered-path 31"),
                step(track(31, BOX, TrackState.CONFIRMED, 2, 0)));
    }

    @Test
    void noFallBeforeTheLookBackIsCoveredOutsideThePathOrForOtherClasses() {
        // At start: no history yet, so no fall.
        assertEquals(
                List.of("appeared 40", "entered-path 40"),
                step(track(40, BOX, TrackState.CONFIRMED, 1, 0)));
        // Box 40 leaves (no longer reported); then a box beside the path is no fall, nor is a
        // person in it.
        assertEquals(List.of("left 40"), step());
        watchEmptyFloor();
        assertEquals(List.of("appeared 41"), step(track(41, BOX, TrackState.CONFIRMED, 1, 4)));
        assertEquals(
                List.of("left 41", "appeared 42", "entered-path 42"),
                step(track(42, PERSON, TrackState.CONFIRMED, 1, -0.2)));
    }

    @Test
    void eventsOfOneUpdateAreOrderedLeftAppearedFallEnteredPath() {
        watchEmptyFloor();
        step(track(50, PERSON, TrackState.CONFIRMED, 9, 9));
        assertEquals(
                List.of("left 50", "appeared 51", "appeared 52", "fall 52", "entered-path 52"),
                step(
                        track(50, PERSON, TrackState.REMOVED, 9, 9),
                        track(51, PERSON, TrackState.CONFIRMED, 8, 8),
                        track(52, BOX, TrackState.CONFIRMED, 1, 0)));
    }

    @Test
    void rulesNameTheBadValue() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> EventDetector.Rules.defaults().withPath(0, 3));
        assertEquals("pathWidth must be positive, got 0.0", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new EventDetector.Rules(1, 3, 0.5, Set.of("box"), 0.75, 1));
    }
}
