package dev.edgetwin.modelkit.scorer;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Scenes from {@link SceneSampler} with their {@link CollisionRollouts} labels. Scene i's rollouts
 * draw from a seed fixed before any labelling starts, so the labels are the same however many
 * threads compute them.
 */
record LabelledScenes(
        long seed, int rollouts, List<Scene> scenes, List<CollisionRollouts.Risk> risks) {

    static LabelledScenes generate(long seed, int count, int rollouts) {
        List<Scene> scenes = new SceneSampler(seed).next(count);
        SplittableRandom seeds = new SplittableRandom(~seed);
        long[] rolloutSeeds = new long[count];
        for (int i = 0; i < count; i++) {
            rolloutSeeds[i] = seeds.nextLong();
        }
        List<CollisionRollouts.Risk> risks =
                IntStream.range(0, count)
                        .parallel()
                        .mapToObj(
                                i ->
                                        CollisionRollouts.simulate(
                                                scenes.get(i), rollouts, rolloutSeeds[i]))
                        .toList();
        return new LabelledScenes(seed, rollouts, scenes, risks);
    }

    LabelledScenes {
        scenes = List.copyOf(scenes);
        risks = List.copyOf(risks);
    }

    int size() {
        return scenes.size();
    }

    @Override
    public String toString() {
        return "LabelledScenes[seed="
                + seed
                + ", "
                + scenes.size()
                + " scenes, "
                + rollouts
                + " rollouts]";
    }
}
