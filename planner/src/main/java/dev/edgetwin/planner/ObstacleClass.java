package dev.edgetwin.planner;

/** What a tracked obstacle is; people get a larger safety margin than objects. */
public enum ObstacleClass {
    PERSON,
    ROBOT,
    BOX;

    public boolean isPerson() {
        return this == PERSON;
    }
}
