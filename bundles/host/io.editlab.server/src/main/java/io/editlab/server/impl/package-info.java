/**
 * The evaluation host's REST API (private to this bundle, exports nothing): {@link
 * io.editlab.server.impl.ApiServlet} routes the requests under {@code /api/} and checks the token
 * and the limits; {@link io.editlab.server.impl.HostModels}, {@link
 * io.editlab.server.impl.HostSessions} (journaled edit sessions) and {@link
 * io.editlab.server.impl.HostRuns} (queued comparison runs) hold the host's state over the store;
 * {@link io.editlab.server.impl.Deployer} installs, updates and removes bundles. Bad input is
 * answered by an {@link io.editlab.server.impl.ApiException} naming the field, never a 5xx.
 */
package io.editlab.server.impl;
