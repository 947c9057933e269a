package io.editlab.lemoe.impl;

/**
 * What the mixture decided in one forward pass, per sequence, for the editor to read back.
 *
 * @param selected the router's top-1 expert (before the score gate), -1 without experts
 * @param chosen the expert that was applied (selected and above its threshold), or -1
 * @param experts how many experts the mixture had
 * @param applied per sequence, every expert applied (best first)
 */
record RoutePass(int[] selected, int[] chosen, int experts, int[][] applied) {

    /** Whether expert {@code expert} was applied to some sequence of the pass. */
    boolean reached(int expert) {
        for (int[] experts : applied) {
            for (int e : experts) {
                if (e == expert) {
                    return true;
                }
            }
        }
        return false;
    }
}
