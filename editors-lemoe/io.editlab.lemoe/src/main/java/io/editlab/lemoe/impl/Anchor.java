package io.editlab.lemoe.impl;

/**
 * An edit prompt the mixture has learned, with the expert that owns it: the routing loss of later
 * batches keeps routing it there (ours), and the gate loss treats it as a negative for later experts.
 *
 * @param prompt the edit prompt
 * @param subject its subject, or {@code null}
 * @param expert the index of the expert trained on it
 */
record Anchor(String prompt, String subject, int expert) {}
