package io.editlab.lemoe.impl;

/**
 * What the mixture decided in one forward pass, per sequence, for the editor to read back.
 *
 * @param selected the router's top-1 expert (before the score gate), -1 without experts
 * @param chosen the expert that was applied (selected and above its threshold), or -1
 * @param experts how many experts the mixture had
 */
record RoutePass(int[] selected, int[] chosen, int experts) {}
